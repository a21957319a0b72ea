// The command palette (issue 21, item 7): Ctrl-K (⌘-K on a Mac) opens a modal dialog with a
// combobox: type to filter, the arrow keys choose, Enter goes or does, Escape closes. It lists the
// pages of the main navigation the person may see and, on an incident's page, the actions that
// page offers them (assign the owner, add a note, move the phase, vote), each also a shortcut.
// An action takes the keyboard to its form (opened if folded away); nothing is sent from here.
import {
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
} from 'react';
import { useNavigate } from 'react-router';
import { focusOn } from './focus.ts';

export interface PageLink {
  to: string;
  label: string;
}

interface Command {
  id: string;
  label: string;
  /** What it is, read after its label ("Page", "Action"). */
  kind: string;
  shortcut?: string;
  run: () => void;
}

/**
 * The incident page's actions: each is listed (and its shortcut works) only when the page shows
 * its form to this person; `target` is the field the keyboard lands in.
 */
const ACTIONS = [
  {
    id: 'assign',
    label: 'Assign the owner',
    key: 'A',
    target: 'form[aria-label="Assign the owner"] select',
  },
  { id: 'note', label: 'Add a note', key: 'N', target: 'form[aria-label="Add a note"] textarea' },
  {
    id: 'phase',
    label: 'Move to another phase',
    key: 'P',
    target: 'form[aria-label="Move to another phase"] button',
  },
  {
    id: 'vote',
    label: 'Vote on the panel',
    key: 'V',
    target: 'form[aria-label="Your vote"] input',
  },
] as const;

const shortcutWords = (key: string) => `Alt+Shift+${key}`;

/** Takes the keyboard to an action's field, opening the folded form it sits in. */
function goToAction(selector: string): boolean {
  const field = document.querySelector(selector);
  if (!field) return false;
  const folded = field.closest('details');
  if (folded) folded.open = true;
  field.scrollIntoView({ block: 'center' });
  return focusOn(field);
}

/** The shortcuts: Ctrl/⌘-K opens the palette; Alt+Shift+letter an incident page's action. */
function useShortcuts(open: () => void) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        open();
        return;
      }
      if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
      const action = ACTIONS.find((a) => event.code === `Key${a.key}`);
      if (action && goToAction(action.target)) event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
}

export function CommandPalette({
  pages,
  openRef,
}: {
  pages: PageLink[];
  /** Set to the function that opens the palette (the header's Commands button calls it). */
  openRef: { current: () => void };
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const navigate = useNavigate();
  const [commands, setCommands] = useState<Command[]>([]);
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const id = useId();

  // The pages and the router as of the latest render, for the opener (called from a key press).
  const latest = useRef({ pages, navigate });
  useEffect(() => {
    latest.current = { pages, navigate };
  });
  const open = useCallback(() => {
    if (!dialog.current || dialog.current.open) return;
    const actions: Command[] = ACTIONS.filter((a) => document.querySelector(a.target)).map((a) => ({
      id: a.id,
      label: a.label,
      kind: 'Action on this incident',
      shortcut: shortcutWords(a.key),
      run: () => goToAction(a.target),
    }));
    const goTo: Command[] = latest.current.pages.map((p) => ({
      id: `page-${p.to}`,
      label: `Go to ${p.label}`,
      kind: 'Page',
      run: () => void latest.current.navigate(p.to),
    }));
    setCommands([...actions, ...goTo]);
    setText('');
    setActive(0);
    dialog.current.showModal();
  }, []);
  useShortcuts(open);
  useEffect(() => {
    openRef.current = open;
  }, [openRef, open]);

  const words = text.trim().toLowerCase();
  const shown = commands.filter((c) => c.label.toLowerCase().includes(words));
  const current = shown[Math.min(active, shown.length - 1)];
  const optionId = (c: Command) => `${id}-${c.id}`;

  function run(command: Command | undefined) {
    if (!command) return;
    dialog.current?.close();
    command.run();
  }

  function onKeyDown(event: ReactKeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((n) => (Math.min(n, shown.length - 1) + step + shown.length) % shown.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      run(current);
    }
  }

  return (
    // Closed, it keeps no list: nothing of it lingers in the page's text between uses.
    <dialog
      ref={dialog}
      className="palette"
      aria-labelledby={`${id}-title`}
      // The close event comes a task after the dialog closed: if the palette was opened again
      // meanwhile (Escape, then Ctrl-K at once), the late event must not empty the new list.
      onClose={() => {
        if (!dialog.current?.open) setCommands([]);
      }}
    >
      <h2 id={`${id}-title`} className="visually-hidden">
        Go to a page or do an action
      </h2>
      <label htmlFor={`${id}-input`}>Go to or do</label>
      <input
        id={`${id}-input`}
        type="text"
        role="combobox"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={current ? optionId(current) : undefined}
        aria-describedby={`${id}-help`}
        autoComplete="off"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <p className="help" id={`${id}-help`}>
        Type to filter, ↑ and ↓ to choose, Enter to go, Escape to close.
      </p>
      <ul role="listbox" id={`${id}-list`} aria-label="Pages and actions">
        {shown.map((c) => (
          <li
            key={c.id}
            id={optionId(c)}
            role="option"
            aria-selected={c === current}
            onClick={() => run(c)}
          >
            {c.label} <span className="muted">· {c.kind}</span>
            {c.shortcut ? <kbd>{c.shortcut}</kbd> : null}
          </li>
        ))}
      </ul>
      {shown.length === 0 ? <p className="muted">Nothing matches “{text}”.</p> : null}
    </dialog>
  );
}
