// Pages rendered from the policy in force and from closed reports: the disclosure policy
// (security.txt "Policy") and the hall of fame (security.txt "Acknowledgments").
import type { Policy } from '../../domain/policy/index.ts';
import { durationInWords } from '../../../shared/domain/duration-words.ts';
import { creditName } from './advisory-pages.ts';
import { markup } from './html.ts';
import { page } from './layout.ts';

export function policyPage(policy: Policy, securityEmail?: string): string {
  return page(
    { title: 'Our security policy' },
    markup`<h1>How we handle security reports</h1>
      <p>${policy.description}</p>
      <h2>How to report</h2>
      <p>
        Use the <a href="/report">report form</a>. It needs no account and works without
        JavaScript.${
          securityEmail
            ? markup` Or write to <a href="mailto:${securityEmail}">${securityEmail}</a>.`
            : ''
        }
        Include what you found, how to reproduce it, and what an attacker could do with it. Please
        keep the issue confidential until we have fixed it; if you have already posted it somewhere
        public, tell us where, and we will first have it taken out of public view.
      </p>
      <h2>What to expect</h2>
      <p>${policy.reporters.description}</p>
      <ul>
        <li>
          We acknowledge every report within ${durationInWords(policy.reporters.acknowledgeWithin)}.
        </li>
        <li>${policy.verification.description}</li>
        ${
          policy.reporters.verifyIdentityBeforeSharingResults
            ? markup`<li>
                Before we share our assessment or technical details with you, we verify that you are
                the person who reported the issue.
              </li>`
            : ''
        }
        <li>
          With your consent we thank you by name on our <a href="/thanks">thanks page</a> once the
          issue is fixed.
        </li>
      </ul>
      <h2>How fast we respond</h2>
      <table>
        <caption>
          Response times by severity
        </caption>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Meaning</th>
            <th scope="col">First response within</th>
          </tr>
        </thead>
        <tbody>
          ${policy.severities.map(
            (s) =>
              markup`<tr>
                <th scope="row">${s.id} ${s.name}</th>
                <td>${s.description}</td>
                <td>${durationInWords(s.responseWithin)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <p>Policy: ${policy.name}, revision ${policy.revision}.</p>`,
  );
}

/** The names (with their links) credited on one published advisory. */
export interface CreditedAdvisory {
  href: string;
  title: string;
  credits: { name: string; url?: string | undefined }[];
}

export function thanksPage(names: string[], advisories: readonly CreditedAdvisory[] = []): string {
  const credited = advisories.filter((a) => a.credits.length > 0);
  return page(
    { title: 'Thanks' },
    markup`<h1>Thanks</h1>
      <p>These people reported security issues to us responsibly. Each one was fixed.</p>
      ${
        names.length
          ? markup`<ul>
              ${names.map((n) => markup`<li>${n}</li>`)}
            </ul>`
          : markup`<p>No one is listed yet.</p>`
      }
      ${
        credited.length
          ? markup`<h2>Credited in our security advisories</h2>
              <ul>
                ${credited.map(
                  (a) =>
                    markup`<li><a href="${a.href}">${a.title}</a>: ${a.credits.map((c, i) => markup`${i ? ', ' : ''}${creditName(c)}`)}</li>`,
                )}
              </ul>`
          : ''
      }`,
  );
}
