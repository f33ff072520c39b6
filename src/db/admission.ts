// A bound on concurrent database work with a bounded wait. slonik queues a
// query for a free pooled connection without any time limit, so under load
// requests would pile up behind slow ones; this admits at most `slots` pieces
// of work and fails a waiter with BusyError after `waitMs`, which the API
// answers with 503 straight away.
import { BusyError } from '../errors.ts';

export type Admission = <T>(work: () => Promise<T>) => Promise<T>;

export function createAdmission(slots: number, waitMs: number): Admission {
  let active = 0;
  const waiting: (() => void)[] = [];

  const release = () => {
    const next = waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else active -= 1;
  };

  const admit = () => {
    if (active < slots) {
      active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const enter = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(enter), 1);
        reject(new BusyError(`all ${slots} database connections stayed busy for ${waitMs} ms`));
      }, waitMs);
      waiting.push(enter);
    });
  };

  return async (work) => {
    await admit();
    try {
      return await work();
    } finally {
      release();
    }
  };
}
