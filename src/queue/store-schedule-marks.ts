import type { Clock } from '../core/clock.js';
import type { Store } from '../store/database.js';
import type { ScheduleMarks } from './port.js';
import { advanceScheduleMark } from './sql/advance-schedule-mark.js';
import { readScheduleMark } from './sql/read-schedule-mark.js';

/** Schedule marks in the `settings` table, as `scheduler:last:<schedule key>` → ISO fire time. */
export class StoreScheduleMarks implements ScheduleMarks {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  last(scheduleKey: string): Promise<Date | null> {
    return readScheduleMark(this.store, scheduleKey);
  }

  advance(scheduleKey: string, fireTime: Date): Promise<boolean> {
    return advanceScheduleMark(this.store, this.clock, scheduleKey, fireTime);
  }
}
