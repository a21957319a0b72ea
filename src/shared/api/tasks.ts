// GET /api/v1/tasks: tasks across the incidents the caller may see, e.g. `?assignee=me` for the
// dashboard's "my tasks". Open tasks (open or in progress) by default, the soonest due first.
import { z } from 'zod';
import { TASK_STATUSES, TASK_TYPES } from '../domain/incidents.ts';
import { Time } from './times.ts';

export const TaskListQuery = z.object({
  /** A user id, or `me` for the caller. */
  assignee: z.string().min(1).max(100).optional(),
  /** `open`: still to do (open or in progress); `all`: done and cancelled ones too. */
  status: z.enum(['open', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const TaskList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      incidentKey: z.string(),
      incidentTitle: z.string(),
      type: z.enum(TASK_TYPES),
      title: z.string(),
      status: z.enum(TASK_STATUSES),
      assigneeId: z.string().nullable(),
      dueAt: Time.nullable(),
    }),
  ),
});
export type TaskList = z.infer<typeof TaskList>;
