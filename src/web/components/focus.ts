// Where keyboard focus goes (issue 21, item 7): after an action, to its result (the section it
// changed, or the error that refused it); after a page change, to the page's main heading.
import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';

/** Focuses an element, giving it tabIndex -1 first when it is not focusable (a heading). */
export function focusOn(element: Element | null): boolean {
  if (!(element instanceof HTMLElement)) return false;
  if (element.tabIndex < 0 && !element.hasAttribute('tabindex')) element.tabIndex = -1;
  element.focus();
  return document.activeElement === element;
}

/** The heading of the section (`<section aria-labelledby>`) an element sits in, by id. */
export function sectionHeadingId(element: Element | null): string | null {
  return element?.closest('section[aria-labelledby]')?.getAttribute('aria-labelledby') ?? null;
}

/**
 * Where an action's result is: call before the action with the element that started it (the
 * focused button or form), then `land()` once the page shows the result. Focus moves to the
 * heading of the section the action was in, unless focus has moved on meanwhile.
 */
export function resultFocus(started: Element | null = document.activeElement) {
  const headingId = sectionHeadingId(started);
  return {
    land() {
      // After the render the answer causes (the query cache tells React on a timer of its own).
      setTimeout(() => {
        // Only from where the action left it: a section that moved focus itself, or a person who
        // went on meanwhile, keeps it.
        const now = document.activeElement;
        const left = now === null || now === document.body || now === started;
        if (headingId && left) focusOn(document.getElementById(headingId));
      }, 0);
    },
  };
}

/** An error or refusal element that takes focus each time it shows a new error. */
export function useFocusOnShow<T extends HTMLElement>(shown: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (shown) focusOn(ref.current);
  }, [shown]);
  return ref;
}

/**
 * After a page change (not the first page, not a change of query string), focus moves to the
 * main heading once the page shows it (a page loaded on demand, or waiting for its data, shows
 * it a moment later).
 */
export function useFocusHeadingOnNavigate() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const main = document.getElementById('main');
    if (!main) return;
    const land = () => focusOn(main.querySelector('h1'));
    if (land()) return;
    const observer = new MutationObserver(() => {
      if (land()) observer.disconnect();
    });
    observer.observe(main, { childList: true, subtree: true });
    const giveUp = setTimeout(() => observer.disconnect(), 10_000);
    return () => {
      observer.disconnect();
      clearTimeout(giveUp);
    };
  }, [pathname]);
}
