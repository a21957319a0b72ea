// The post-mortem's sections on the incident page (issue 14, item 8): each section of the policy's
// template with its question, its prompt and whether it is required; written as Markdown and saved
// one section at a time, each saying whether it is saved; the saved text shown as the server
// rendered it (raw HTML off, the allow-list sanitizer), never the typed text as markup.
import { useId, useState, type FormEvent } from 'react';
import { Empty } from '../../components/common.tsx';
import { formatTime } from '../../format.ts';
import { useStaff } from './incident-data.ts';
import { ChangeFeedback } from './incident-parts.tsx';
import { usePostmortemChange, type PostmortemJson } from './postmortem-data.ts';

type Section = PostmortemJson['sections'][number];

export function PostmortemSections({
  incidentKey,
  postmortem,
  editable,
}: {
  incidentKey: string;
  postmortem: PostmortemJson;
  editable: boolean;
}) {
  const required = postmortem.sections.filter((s) => s.required);
  const answered = required.length - postmortem.unansweredSections.length;
  return (
    <>
      <h3>Sections</h3>
      <p className="help" data-testid="postmortem-answered">
        {answered} of {required.length} required sections answered.
        {editable
          ? ' Each section is Markdown, saved on its own; raw HTML is shown as text.'
          : postmortem.status === 'draft'
            ? ''
            : ' The text no longer changes while it is in review or after.'}
      </p>
      <div className="postmortem-sections">
        {postmortem.sections.map((section) => (
          <SectionItem
            key={section.id}
            incidentKey={incidentKey}
            section={section}
            version={postmortem.version}
            editable={editable}
          />
        ))}
      </div>
    </>
  );
}

function SectionItem({
  incidentKey,
  section,
  version,
  editable,
}: {
  incidentKey: string;
  section: Section;
  version: number;
  editable: boolean;
}) {
  const id = useId();
  const { nameOf } = useStaff();
  const change = usePostmortemChange(incidentKey, version);
  const [body, setBody] = useState(section.body);
  // What the server held when the text was last taken from it: a change someone else saved
  // replaces the text only when it was not edited here.
  const [base, setBase] = useState(section.body);
  const [saved, setSaved] = useState(false);
  if (section.body !== base) {
    setBase(section.body);
    if (body === base) setBody(section.body);
  }
  const dirty = body !== section.body;
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (change.pending) return;
    setSaved(false);
    void change
      .run(`/sections/${encodeURIComponent(section.id)}`, { body }, 'PUT')
      .then((ok) => setSaved(ok));
  };
  const state = change.pending
    ? 'Saving…'
    : change.error || change.conflict
      ? 'Not saved: see why above.'
      : dirty
        ? 'Changes not saved yet.'
        : saved
          ? 'Saved.'
          : section.updatedAt
            ? `Saved by ${nameOf(section.updatedBy)}, ${formatTime(section.updatedAt)}.`
            : 'Not written yet.';
  const heading = (
    <h4 id={`${id}-title`}>
      {section.title}{' '}
      {section.required ? (
        <span className="badge warn">Required</span>
      ) : (
        <span className="badge">Optional</span>
      )}
    </h4>
  );
  const rendered = section.html ? (
    <div
      className="markdown"
      data-testid={`section-html-${section.id}`}
      // The server's rendering: Markdown with raw HTML off, then the allow-list sanitizer.
      dangerouslySetInnerHTML={{ __html: section.html }}
    />
  ) : null;
  if (!editable)
    return (
      <div className="postmortem-part" data-testid={`section-${section.id}`}>
        {heading}
        {rendered ?? <Empty>Not answered.</Empty>}
      </div>
    );
  return (
    <form
      className="postmortem-part"
      aria-labelledby={`${id}-title`}
      onSubmit={save}
      data-testid={`section-${section.id}`}
    >
      {heading}
      {section.prompt ? (
        <p className="help" id={`${id}-prompt`}>
          {section.prompt}
        </p>
      ) : null}
      <textarea
        id={`${id}-body`}
        rows={5}
        value={body}
        aria-labelledby={`${id}-title`}
        aria-describedby={section.prompt ? `${id}-prompt` : undefined}
        aria-required={section.required}
        onChange={(e) => {
          setSaved(false);
          setBody(e.target.value);
        }}
      />
      <ChangeFeedback change={change} />
      <div className="inline">
        {/* Never disabled: focus stays on it while it saves (saving the same text records nothing). */}
        <button type="submit" className="secondary">
          Save<span className="visually-hidden">: {section.title}</span>
        </button>
        <p
          role="status"
          className={saved && !dirty ? 'saved' : 'muted'}
          data-testid={`section-state-${section.id}`}
        >
          {state}
        </p>
      </div>
      {rendered ? (
        <details>
          <summary>
            Preview as saved<span className="visually-hidden">: {section.title}</span>
          </summary>
          {rendered}
        </details>
      ) : null}
    </form>
  );
}
