// The scheduler client, loaded on first use (see ../client-loader.ts).
import { type ClientLoader, senderFor } from '../client-loader.js';

export const scheduler: ClientLoader = {
  service: 'scheduler',
  async load(config) {
    const m = await import('../clients/scheduler.js');
    return senderFor(
      new m.SchedulerClient(config),
      { CreateSchedule: m.CreateScheduleCommand, DeleteSchedule: m.DeleteScheduleCommand },
      'scheduler',
    );
  },
};
