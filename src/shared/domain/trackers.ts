// The development trackers an incident decided non-critical can be handed to (Kundo step 9).
export const TRACKER_KINDS = ['github', 'gitlab', 'jira', 'webhook'] as const;
export type TrackerKind = (typeof TRACKER_KINDS)[number];

/** Where each kind's REST API is when the connection does not say (GitHub.com, GitLab.com). */
export const DEFAULT_BASE_URLS: Partial<Record<TrackerKind, string>> = {
  github: 'https://api.github.com',
  gitlab: 'https://gitlab.com',
};
