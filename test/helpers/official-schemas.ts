// Validators for the official JSON schemas of the disclosure exports (test/fixtures/schemas,
// committed unchanged): CVE Record 5.1.1, CSAF 2.0 (document and provider metadata) and OSV; and
// of the Atlassian Document Format Jira's issue descriptions are written in.
// Each answers the schema's errors, an empty list when the document is valid.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import draft7 from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;
const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/schemas/${name}`, import.meta.url), 'utf8')) as {
    $id: string;
  };

function errorsOf(validate: ValidateFunction) {
  return (document: unknown): string[] =>
    validate(document)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

// CVE: JSON Schema draft-07.
const cveAjv = new Ajv({ strict: false, allErrors: true });
addFormats(cveAjv);
export const cveRecordErrors = errorsOf(cveAjv.compile(load('cve-record-5.1.1-bundled.json')));

// CSAF and OSV: draft 2020-12; the FIRST CVSS schemas CSAF refers to are draft-07.
const ajv2020 = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv2020);
ajv2020.addMetaSchema(draft7);
// CSAF refers to them by their URL without the date query their own id carries (and v2.0 is
// written as draft-04, with `id`; it has none of draft-04's own keywords): each is registered
// under the URL CSAF uses.
for (const version of ['2.0', '3.0', '3.1']) {
  const {
    $schema: _schema,
    id: _id,
    ...cvss
  } = load(`first-cvss-v${version}.json`) as Record<string, unknown>;
  ajv2020.addSchema({ ...cvss, $id: `https://www.first.org/cvss/cvss-v${version}.json` });
}
const csaf = load('csaf-2.0-csaf_json_schema.json');
ajv2020.addSchema(csaf);
const provider = load('csaf-2.0-provider_json_schema.json');
ajv2020.addSchema(provider);
export const csafErrors = errorsOf(ajv2020.getSchema(csaf.$id)!);
export const csafProviderErrors = errorsOf(ajv2020.getSchema(provider.$id)!);
export const osvErrors = errorsOf(ajv2020.compile(load('osv-schema.json')));

// ADF: written as draft-04 (`$schema` only; it uses none of draft-04's own keywords), so it is
// compiled as draft-07 without its `$schema`.
const { $schema: _adfDraft, ...adf } = load('atlassian-adf-57.7.22-full.json') as Record<
  string,
  unknown
>;
export const adfErrors = errorsOf(cveAjv.compile(adf));
