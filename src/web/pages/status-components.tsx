// The status page's components as staff see them, in the page's order (a group, then its
// components). Everyone on staff reads; admins (status.manage) add a component or a group (with a
// description, its group and "only show if degraded"), set a component's own status, move one up
// or down among its siblings, and edit one. The server checks every call and names a bad field.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { StatusComponent } from '../../shared/api/status.ts';
import {
  COMPONENT_STATUSES,
  COMPONENT_STATUS_WORDS,
  type ComponentStatus,
} from '../../shared/domain/status.ts';
import { patch, post, request } from '../api.ts';
import { Empty, ErrorMessage, QueryState } from '../components/common.tsx';
import { DataTable } from '../components/data-table.tsx';
import { useCan } from '../session.tsx';

export type Component = z.infer<typeof StatusComponent>;

export const componentKeys = {
  components: ['status', 'components'] as const,
  allComponents: ['status', 'components', 'all'] as const,
};

/** Every component and group, in the API's order (by position). */
export function useAllComponents() {
  return useQuery({
    queryKey: componentKeys.allComponents,
    queryFn: async () => (await request<{ items: Component[] }>('/status/components')).items,
  });
}

/** The page's order: top-level entries by position, each group followed by its components. */
function pageOrder(items: Component[]): Component[] {
  return items
    .filter((c) => c.groupId === null)
    .flatMap((c) => [c, ...(c.isGroup ? items.filter((m) => m.groupId === c.id) : [])]);
}

/** The positions that put `c` one place up (-1) or down (+1) among its siblings. */
function moved(items: Component[], c: Component, by: -1 | 1): { id: string; position: number }[] {
  const siblings = items.filter((s) => s.groupId === c.groupId);
  const from = siblings.findIndex((s) => s.id === c.id);
  const to = from + by;
  if (to < 0 || to >= siblings.length) return [];
  const order = [...siblings];
  [order[from], order[to]] = [order[to]!, order[from]!];
  return order
    .map((s, index) => ({ id: s.id, position: index + 1, was: s.position }))
    .filter((s) => s.position !== s.was)
    .map(({ id, position }) => ({ id, position }));
}

function ComponentRow({
  c,
  items,
  mayManage,
  onEdit,
}: {
  c: Component;
  items: Component[];
  mayManage: boolean;
  onEdit: () => void;
}) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: componentKeys.components });
  const set = useMutation({
    mutationFn: (status: ComponentStatus) =>
      patch(`/status/components/${encodeURIComponent(c.id)}`, { status }),
    onSuccess: refresh,
  });
  const move = useMutation({
    mutationFn: async (by: -1 | 1) => {
      for (const { id, position } of moved(items, c, by))
        await patch(`/status/components/${encodeURIComponent(id)}`, { position });
    },
    onSettled: refresh,
  });
  const siblings = items.filter((s) => s.groupId === c.groupId);
  const index = siblings.findIndex((s) => s.id === c.id);
  const group = items.find((g) => g.id === c.groupId);
  return (
    <tr>
      <th scope="row">{c.isGroup ? `${c.name} (group)` : c.name}</th>
      <td>{group ? group.name : '—'}</td>
      <td>
        {c.description ?? '—'}
        {c.onlyShowIfDegraded ? <p className="hint">Shown only while not operational</p> : null}
      </td>
      <td>{COMPONENT_STATUS_WORDS[c.shownStatus]}</td>
      <td>
        {mayManage && !c.isGroup ? (
          <>
            <label htmlFor={`status-${c.id}`} className="visually-hidden">
              Status of {c.name}
            </label>
            <select
              id={`status-${c.id}`}
              value={c.status}
              disabled={set.isPending}
              onChange={(e) => set.mutate(e.target.value as ComponentStatus)}
            >
              {COMPONENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {COMPONENT_STATUS_WORDS[s]}
                </option>
              ))}
            </select>
          </>
        ) : c.isGroup ? (
          '—'
        ) : (
          COMPONENT_STATUS_WORDS[c.status]
        )}
        <ErrorMessage error={set.error} />
      </td>
      {mayManage ? (
        <td>
          <button
            type="button"
            className="secondary"
            aria-label={`Move ${c.name} up`}
            disabled={index <= 0 || move.isPending}
            onClick={() => move.mutate(-1)}
          >
            Up
          </button>{' '}
          <button
            type="button"
            className="secondary"
            aria-label={`Move ${c.name} down`}
            disabled={index >= siblings.length - 1 || move.isPending}
            onClick={() => move.mutate(1)}
          >
            Down
          </button>{' '}
          <button
            type="button"
            className="secondary"
            aria-label={`Edit ${c.name}`}
            onClick={onEdit}
          >
            Edit
          </button>
          <ErrorMessage error={move.error} />
        </td>
      ) : null}
    </tr>
  );
}

/** The fields a component and a group share in the add and edit forms. */
function ComponentFields({
  id,
  groups,
  value,
  onChange,
}: {
  id: string;
  groups: Component[];
  value: Fields;
  onChange: (next: Fields) => void;
}) {
  return (
    <>
      <label htmlFor={`${id}-description`}>Description (optional, shown on the page)</label>
      <input
        id={`${id}-description`}
        value={value.description}
        onChange={(e) => onChange({ ...value, description: e.target.value })}
      />
      {value.isGroup ? null : (
        <>
          <label htmlFor={`${id}-group`}>Group</label>
          <select
            id={`${id}-group`}
            value={value.groupId}
            onChange={(e) => onChange({ ...value, groupId: e.target.value })}
          >
            <option value="">No group</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </>
      )}
      <label className="check">
        <input
          type="checkbox"
          checked={value.onlyShowIfDegraded}
          onChange={(e) => onChange({ ...value, onlyShowIfDegraded: e.target.checked })}
        />{' '}
        Show on the public page only while it is not operational
      </label>
    </>
  );
}

interface Fields {
  name: string;
  description: string;
  groupId: string;
  isGroup: boolean;
  onlyShowIfDegraded: boolean;
}
const blank: Fields = {
  name: '',
  description: '',
  groupId: '',
  isGroup: false,
  onlyShowIfDegraded: false,
};
const fieldsOf = (c: Component): Fields => ({
  name: c.name,
  description: c.description ?? '',
  groupId: c.groupId ?? '',
  isGroup: c.isGroup,
  onlyShowIfDegraded: c.onlyShowIfDegraded,
});
const payload = (f: Fields) => ({
  name: f.name,
  description: f.description.trim() || null,
  ...(f.isGroup ? {} : { groupId: f.groupId || null }),
  onlyShowIfDegraded: f.onlyShowIfDegraded,
});

function EditComponent({
  c,
  groups,
  onDone,
}: {
  c: Component;
  groups: Component[];
  onDone: (message: string | null) => void;
}) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const queryClient = useQueryClient();
  const [fields, setFields] = useState(fieldsOf(c));
  const save = useMutation({
    mutationFn: () => patch(`/status/components/${encodeURIComponent(c.id)}`, payload(fields)),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: componentKeys.components });
      onDone(`${fields.name} is saved.`);
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="component-edit">
      <h3 id={`${id}-h`} ref={heading} tabIndex={-1}>
        Edit {c.name}
      </h3>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          required
          value={fields.name}
          onChange={(e) => setFields({ ...fields, name: e.target.value })}
        />
        <ComponentFields id={id} groups={groups} value={fields} onChange={setFields} />
        <ErrorMessage error={save.error} />
        <button type="submit" disabled={save.isPending}>
          Save
        </button>{' '}
        <button type="button" className="secondary" onClick={() => onDone(null)}>
          Close
        </button>
      </form>
    </section>
  );
}

function AddComponent({ groups }: { groups: Component[] }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [fields, setFields] = useState(blank);
  const add = useMutation({
    mutationFn: () => post('/status/components', { ...payload(fields), isGroup: fields.isGroup }),
    onSuccess: async () => {
      setFields(blank);
      await queryClient.invalidateQueries({ queryKey: componentKeys.components });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate();
  }
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Add a component</h3>
      <label htmlFor={`${id}-name`}>Component name</label>
      <input
        id={`${id}-name`}
        required
        value={fields.name}
        onChange={(e) => setFields({ ...fields, name: e.target.value })}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={fields.isGroup}
          onChange={(e) => setFields({ ...fields, isGroup: e.target.checked, groupId: '' })}
        />{' '}
        It is a group of components (shows the worst of theirs)
      </label>
      <ComponentFields id={id} groups={groups} value={fields} onChange={setFields} />
      <button type="submit" disabled={add.isPending}>
        {fields.isGroup ? 'Add group' : 'Add component'}
      </button>
      <ErrorMessage error={add.error} />
    </form>
  );
}

export function Components() {
  const can = useCan();
  const list = useAllComponents();
  const [editing, setEditing] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const mayManage = can('status.manage');
  const items = list.data ?? [];
  const groups = items.filter((c) => c.isGroup);
  const target = editing ? items.find((c) => c.id === editing) : undefined;
  return (
    <>
      <h2>Components</h2>
      <QueryState query={list} what="components">
        {(all) =>
          all.length === 0 ? (
            <Empty>No components yet.</Empty>
          ) : (
            <DataTable
              caption="Components"
              hideCaption
              testId="components"
              columns={[
                'Component',
                'Group',
                'Description',
                'The page shows',
                'Set on the component',
                ...(mayManage ? ['Actions'] : []),
              ]}
            >
              {pageOrder(all).map((c) => (
                <ComponentRow
                  key={c.id}
                  c={c}
                  items={all}
                  mayManage={mayManage}
                  onEdit={() => {
                    setSaved(null);
                    setEditing(c.id);
                  }}
                />
              ))}
            </DataTable>
          )
        }
      </QueryState>
      {saved ? <p role="status">{saved}</p> : null}
      {mayManage && target ? (
        <EditComponent
          key={target.id}
          c={target}
          groups={groups}
          onDone={(message) => {
            setEditing(null);
            setSaved(message);
          }}
        />
      ) : null}
      {mayManage ? <AddComponent groups={groups} /> : null}
    </>
  );
}
