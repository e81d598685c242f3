/** The alarms feature's public face: the queue, the opened alarm, the banners and the tones. */
export {
  AlarmsContext,
  createAlarmsStore,
  useAlarm,
  useAlarms,
  useWaitingAlarms,
  type AlarmsStore,
} from './store';
export { AlarmDetail, type AlarmDetailSlots } from './AlarmDetail';
export { AlarmQueue } from './AlarmQueue';
export { AlarmBanners } from './Banners';
export { useAlarmSound } from './useAlarmSound';
