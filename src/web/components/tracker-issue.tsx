// A development tracker's issue as the console shows it, on the incident page and for a
// follow-up: its link only for a web address (anything else the tracker sent stays text), and its
// state as the tracker last reported it, in words.

export const TRACKER_STATE_WORDS = {
  open: 'open in the tracker',
  closed: 'closed in the tracker',
} as const;

/** A link only for a web address; anything else the tracker sent stays text. */
export function SafeLink({ href, children }: { href: string | null; children: string }) {
  return href && /^https?:\/\//i.test(href) ? (
    <a className="incident-link" href={href} rel="noreferrer noopener" target="_blank">
      {children}
    </a>
  ) : (
    <span className="incident-link">{children}</span>
  );
}

/**
 * A follow-up's tracker issue: the connection, the issue (a link) and its state when a connection
 * opened it; else the link written on the follow-up. Nothing when it has neither.
 */
export function FollowUpTracker({
  trackerUrl,
  tracker,
}: {
  trackerUrl: string | null;
  tracker: { connection: string; key: string; state: 'open' | 'closed' } | null;
}) {
  if (tracker) {
    return (
      <span data-testid="follow-up-tracker">
        {tracker.connection}: <SafeLink href={trackerUrl}>{tracker.key}</SafeLink>,{' '}
        {TRACKER_STATE_WORDS[tracker.state]}
      </span>
    );
  }
  return trackerUrl ? (
    <span data-testid="follow-up-tracker">
      <SafeLink href={trackerUrl}>Tracker issue</SafeLink>
    </span>
  ) : null;
}
