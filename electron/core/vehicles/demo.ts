export { demoVehicles, DEMO_VISITOR, DEMO_VISITOR_PLATE } from '../../../shared/domain/demo-vehicles';
