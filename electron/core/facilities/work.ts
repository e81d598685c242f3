import { carryOver, escalate } from './deadlines';
import { Hazards } from './hazards';
import { Orders } from './orders';
import type { WorkOptions } from './work-shared';

export { FAULT_SEVERITY, hazardNumber, orderNumber, type WorkOptions } from './work-shared';

/**
 * Work orders (报修工单, `orders.ts`), the hazard register (隐患台账, `hazards.ts`) and their deadlines and the
 * handover's carry-over (`deadlines.ts`) behind one face, so the feature's wiring holds one object.
 */
export class Work {
  private readonly orderBook: Orders;
  private readonly register: Hazards;

  constructor(private readonly o: WorkOptions) {
    this.orderBook = new Orders(o);
    this.register = new Hazards(o);
  }

  deviceFailed: Orders['deviceFailed'] = (...a) => this.orderBook.deviceFailed(...a);
  deviceRecovered: Orders['deviceRecovered'] = (...a) => this.orderBook.deviceRecovered(...a);
  openManual: Orders['openManual'] = (...a) => this.orderBook.openManual(...a);
  fromAlarm: Orders['fromAlarm'] = (...a) => this.orderBook.fromAlarm(...a);
  actOnOrder: Orders['actOnOrder'] = (...a) => this.orderBook.actOnOrder(...a);
  orderView: Orders['orderView'] = (...a) => this.orderBook.orderView(...a);
  orders: Orders['orders'] = () => this.orderBook.orders();

  report: Hazards['report'] = (...a) => this.register.report(...a);
  actOnHazard: Hazards['actOnHazard'] = (...a) => this.register.actOnHazard(...a);
  hazardView: Hazards['hazardView'] = (...a) => this.register.hazardView(...a);
  hazards: Hazards['hazards'] = () => this.register.hazards();
  rate: Hazards['rate'] = (...a) => this.register.rate(...a);

  escalate = () => escalate(this.o);
  carryOver = () => carryOver(this.o);
}
