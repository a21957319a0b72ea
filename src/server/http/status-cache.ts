// The status page's answers (HTML and /api/v2 JSON) kept in memory, by URL, while nothing new is
// recorded: each request reads the newest position of the event log (one indexed query) and an
// answer built at another position is built again. Every change to the page is an event, so a
// change recorded by any instance is seen by the next request on every instance; with nothing
// new, a request costs that query and the bytes already made.
export interface StatusAnswer {
  body: string;
  contentType: string;
}

export function createStatusCache(version: () => Promise<number>) {
  let at = -1;
  const answers = new Map<string, StatusAnswer>();
  return {
    async answer(key: string, make: () => Promise<StatusAnswer>): Promise<StatusAnswer> {
      const now = await version();
      if (now !== at) {
        answers.clear();
        at = now;
      }
      const kept = answers.get(key);
      if (kept) return kept;
      const made = await make();
      // Built from what was there at `now` or later: kept under `now`, replaced once it moves.
      if (at === now) answers.set(key, made);
      return made;
    },
  };
}

export type StatusCache = ReturnType<typeof createStatusCache>;
