// The disclosure HTTP contract: /api/v1/vulnerabilities... (issue 16). The shapes here are checked
// by Zod (400 naming the field); what needs the rules (a CVSS vector the library cannot score, a
// CWE id, a version that does not parse) is refused by the server with 422 naming the field.
import { z } from 'zod';
import {
  CREDIT_TYPES,
  CVSS_RATINGS,
  RANGE_TYPES,
  REFERENCE_TYPES,
  VULNERABILITY_STATUSES,
} from '../domain/disclosure.ts';
import { WebUrl } from './reports.ts';
import { Time, TimeInput } from './times.ts';

const text = (max: number) => z.string().max(max);
const name = (max: number) => z.string().min(1, 'must not be empty').max(max);

/** One range of affected versions: from `introduced` ("0": from the first) to `fixed` (excluded)
 * or `lastAffected` (included), compared as `type` says. */
export const VersionRange = z.object({
  type: z.enum(RANGE_TYPES).default('semver'),
  introduced: name(100),
  fixed: name(100).nullable().default(null),
  lastAffected: name(100).nullable().default(null),
});
export type VersionRange = z.output<typeof VersionRange>;

/** An affected product: a package URL (purl) or a vendor and product, with its version ranges. */
export const AffectedProduct = z.object({
  purl: text(500).nullable().default(null),
  vendor: text(200).nullable().default(null),
  product: text(200).nullable().default(null),
  versions: z.array(VersionRange).max(50).default([]),
});
export type AffectedProduct = z.output<typeof AffectedProduct>;

export const Reference = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2000),
  type: z.enum(REFERENCE_TYPES).default('web'),
});
export type Reference = z.output<typeof Reference>;

/** A link to credit a name with: a web address, kept as its normalised form (a URI, as CSAF and
 * OSV require: `"`, `<`, `>` and spaces percent-encoded). */
export const CreditUrl = WebUrl.transform((url) => new URL(url).href);

/** Someone credited on the advisory by the team (reporters are credited as they chose). */
export const Credit = z.object({
  name: name(200),
  type: z.enum(CREDIT_TYPES).default('analyst'),
  /** Where the name links to (their website or profile): http or https only. */
  url: CreditUrl.optional(),
});
export type Credit = z.output<typeof Credit>;

/** The fields a team writes on a vulnerability. */
export const VulnerabilityFields = z.object({
  title: name(300),
  /** Markdown; reporter-written text is kept as given and shown escaped. */
  description: text(50_000).default(''),
  /** The advisory to publish, Markdown (no raw HTML); the description stands in while empty. */
  advisory: text(100_000).default(''),
  affected: z.array(AffectedProduct).max(100).default([]),
  /** CWE-79, CWE-1321... */
  cwes: z.array(text(20)).max(20).default([]),
  /** A CVSS 3.1 vector (CVSS:3.1/AV:N/...); scored by the server. */
  cvss31: text(300).nullable().default(null),
  /** A CVSS 4.0 vector (CVSS:4.0/AV:N/...); scored by the server. */
  cvss40: text(300).nullable().default(null),
  /** CVE-2026-12345 once assigned. */
  cveId: text(40).nullable().default(null),
  references: z.array(Reference).max(100).default([]),
  /** People the team credits (analysts, coordinators, who fixed it...). */
  credits: z.array(Credit).max(50).default([]),
  /** Reports (RPT-… or ids) this vulnerability came from. */
  reports: z.array(name(100)).max(50).default([]),
  /** Incidents (INC-… or ids) that handle it. */
  incidents: z.array(name(100)).max(50).default([]),
});
export type VulnerabilityFields = z.output<typeof VulnerabilityFields>;

export const NewVulnerability = VulnerabilityFields.extend({
  /** The member of staff who owns it (told of what the reporters do in the portal); default: the
   * owner of the first linked incident that has one, else whoever records it. */
  ownerId: name(100).optional(),
});
export type NewVulnerability = z.output<typeof NewVulnerability>;

/** A change: only the fields given change; `version` (optional) refuses a stale edit with 409. */
export const VulnerabilityChanges = z
  .object({
    title: name(300),
    description: text(50_000),
    advisory: text(100_000),
    affected: z.array(AffectedProduct).max(100),
    cwes: z.array(text(20)).max(20),
    cvss31: text(300).nullable(),
    cvss40: text(300).nullable(),
    cveId: text(40).nullable(),
    references: z.array(Reference).max(100),
    credits: z.array(Credit).max(50),
    reports: z.array(name(100)).max(50),
    incidents: z.array(name(100)).max(50),
    /** Give it to another member of staff, who must be able to see it. */
    ownerId: name(100),
  })
  .partial()
  .extend({ version: z.number().int().positive().optional() });
export type VulnerabilityChanges = z.output<typeof VulnerabilityChanges>;

export const StatusMove = z.object({
  to: z.enum(VULNERABILITY_STATUSES),
  reason: name(5000),
  version: z.number().int().positive().optional(),
});
export type StatusMove = z.output<typeof StatusMove>;

/** The disclosure date, agreed with the reporter: no later than the policy's maximum. */
export const EmbargoInput = z.object({
  disclosureAt: TimeInput,
  reason: name(5000),
  version: z.number().int().positive().optional(),
});

/** A disclosure date proposed to the reporters, for them to accept in the portal. */
export const DateProposalInput = z.object({ disclosureAt: TimeInput });

/** A step of agreeing the date with the reporter: who proposed or accepted what, and when. */
export const DateStep = z.object({
  kind: z.enum(['proposed', 'accepted']),
  disclosureAt: Time,
  by: z.enum(['team', 'reporter']),
  reportKey: z.string().nullable(),
  actorId: z.string().nullable(),
  at: Time,
});

/** A party told before publication (a distributor, a CERT, a customer), under the embargo. */
export const NotifiedPartyInput = z.object({
  name: name(200),
  /** How and whom: "security@distro.example, PGP". */
  contact: text(500).default(''),
});

/** When the party acknowledged the notice (default: now). */
export const PartyAcknowledgment = z.object({ acknowledgedAt: TimeInput.optional() });
export const PartyRef = z.object({ ref: name(100), partyId: name(100) });

/** A message to the reporters of the linked reports: plain text, shown as text. */
export const ReporterMessageInput = z.object({ body: name(20_000) });

/** Published at once: the details are public elsewhere, or the users must act now. */
export const BreakEmbargo = z.object({ reason: name(5000) });

export const VulnerabilityRef = z.object({ ref: name(100) });

export const VulnerabilityListQuery = z.object({
  status: z.enum(VULNERABILITY_STATUSES).optional(),
  /** The rating of its CVSS 4.0 score, or of its 3.1 score when it has no 4.0 vector. */
  rating: z.enum(CVSS_RATINGS).optional(),
  /** Part of an affected product's package URL, vendor or product name. */
  product: text(200).optional(),
  q: text(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(25),
  offset: z.coerce.number().int().min(0).default(0),
});
export type VulnerabilityListQuery = z.output<typeof VulnerabilityListQuery>;

export const CvssScore = z.object({
  vector: z.string(),
  version: z.enum(['3.1', '4.0']),
  baseScore: z.number(),
  rating: z.enum(CVSS_RATINGS),
});

export const CvssInput = z.object({ vector: text(300) });

const Link = z.object({ id: z.string(), key: z.string() });

export const Decision = z.object({
  from: z.enum(VULNERABILITY_STATUSES),
  to: z.enum(VULNERABILITY_STATUSES),
  reason: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: Time,
});

export const VulnerabilityResponse = z.object({
  id: z.string(),
  key: z.string(),
  version: z.number().int(),
  status: z.enum(VULNERABILITY_STATUSES),
  title: z.string(),
  description: z.string(),
  advisory: z.string(),
  affected: z.array(
    z.object({
      purl: z.string().nullable(),
      vendor: z.string().nullable(),
      product: z.string().nullable(),
      versions: z.array(
        z.object({
          type: z.enum(RANGE_TYPES),
          introduced: z.string(),
          fixed: z.string().nullable(),
          lastAffected: z.string().nullable(),
        }),
      ),
    }),
  ),
  cwes: z.array(z.string()),
  cvss31: CvssScore.nullable(),
  cvss40: CvssScore.nullable(),
  cveId: z.string().nullable(),
  references: z.array(z.object({ url: z.string(), type: z.enum(REFERENCE_TYPES) })),
  credits: z.array(
    z.object({ name: z.string(), type: z.enum(CREDIT_TYPES), url: z.string().optional() }),
  ),
  reports: z.array(Link),
  incidents: z.array(Link),
  decisions: z.array(Decision),
  /** The member of staff who owns it: told when a reporter proposes or accepts a date, chooses
   * their credit or answers the review. */
  ownerId: z.string().nullable(),
  /** Parties told before publication, with when they were told and acknowledged. */
  notifiedParties: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      contact: z.string(),
      notifiedAt: Time,
      notifiedBy: z.string().nullable(),
      acknowledgedAt: Time.nullable(),
    }),
  ),
  /** The agreed disclosure date (null: none yet). */
  disclosureAt: Time.nullable(),
  /** A date proposed by one side, waiting for the other (null: none). */
  dateProposal: DateStep.nullable(),
  /** Every proposal and acceptance of a date, oldest first. */
  dateSteps: z.array(DateStep),
  /** The credit each reporter chose in the portal (overrides the choice made when reporting). */
  reporterCredits: z.array(
    z.object({
      reportKey: z.string(),
      consent: z.boolean(),
      name: z.string().nullable(),
      /** The link to credit the name with (null: none). */
      url: z.string().nullable(),
      chosenAt: Time,
    }),
  ),
  /** What the team wrote to the reporters (plain text), oldest first. */
  reporterMessages: z.array(
    z.object({ id: z.string(), body: z.string(), sentBy: z.string().nullable(), sentAt: Time }),
  ),
  /** The draft last shared with the reporters for review, and their answers. */
  review: z
    .object({
      title: z.string(),
      advisory: z.string(),
      requestedAt: Time,
      requestedBy: z.string().nullable(),
      /** The reporters approved the advisory as it stands now. */
      approved: z.boolean(),
      answers: z.array(
        z.object({
          reportKey: z.string(),
          verdict: z.enum(['approved', 'comments']),
          comments: z.string(),
          at: Time,
        }),
      ),
    })
    .nullable(),
  publishedAt: Time.nullable(),
  /** Once released: where the advisory is published and the SHA-256 of its bytes on the record. */
  publishedAdvisory: z.object({ path: z.string(), sha256: z.string() }).nullable(),
  createdAt: Time,
  updatedAt: Time,
});
export type VulnerabilityResponse = z.infer<typeof VulnerabilityResponse>;

export const VulnerabilityList = z.object({
  vulnerabilities: z.array(VulnerabilityResponse),
  /** How many match the filters (the page is `limit` of them from `offset`). */
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

/** The exports of a published advisory that can be made, with where to download each. */
export const VulnerabilityExports = z.object({
  exports: z.array(
    z.object({
      format: z.enum(['cve', 'csaf', 'osv']),
      fileName: z.string(),
      /** The public path of the document (/advisories/{key}/{format}.json). */
      path: z.string(),
    }),
  ),
});

/** Advisory Markdown, to preview as the advisory page will render it. */
export const AdvisoryPreviewInput = z.object({ markdown: text(100_000) });
/** The Markdown rendered with raw HTML off and through the allow-list sanitizer. */
export const AdvisoryPreview = z.object({ html: z.string() });
