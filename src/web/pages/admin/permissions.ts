// Holding any of these shows the Admin section; each of its pages checks its own permission.
export const ADMIN_PERMISSIONS = ['users.read', 'audit.read', 'outbox.manage', 'webhooks.manage'];
