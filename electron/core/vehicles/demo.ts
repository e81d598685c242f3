export { demoVehicles, DEMO_VISITOR_PLATE } from '../../../shared/domain/demo-vehicles';
