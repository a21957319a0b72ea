// What server and console agree on about notifications.

/** A Slack member id as Slack shows it in a profile ("Copy member ID"): U… or W…. */
export const SLACK_MEMBER_ID = /^[UW][A-Z0-9]{2,20}$/;
