// Time zones as people choose them (quiet hours, on-call rotations): IANA names the runtime knows.

/** Whether the time zone is one the runtime knows (an IANA name such as Europe/Berlin). */
export function isTimeZone(name: string): boolean {
  if (name.length === 0) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
