// One LDAP session with ldapts against a running Roster: bind, then each search of the input in turn on the
// same connection, then each further bind of `rebinds` on it too (as an app that finds a person with its service
// account and then checks their password). Input (JSON file): { url, bindDn, password, searches: [{ base, scope,
// filter, attributes, paged }], compare?: { dn, attribute, value }, rebinds?: [{ dn, password }] }. Prints
// { whoami?, results: [{ dns, entries }], compare?, rebinds?: [{ dn, code }] } as JSON (code 0 for a success), or
// on an LDAP error of the first bind, a search or the compare { error: { name, code, message } }.
import { readFile } from 'node:fs/promises';
import { Client } from 'ldapts';

const input = JSON.parse(await readFile(process.argv[2], 'utf8'));
const client = new Client({ url: input.url, timeout: 10000, connectTimeout: 5000 });
try {
  await client.bind(input.bindDn, input.password);
  const output = { results: [] };
  for (const search of input.searches ?? []) {
    const { searchEntries } = await client.search(search.base, {
      scope: search.scope ?? 'sub',
      filter: search.filter ?? '(objectClass=*)',
      attributes: search.attributes ?? [],
      paged: search.paged ? { pageSize: search.paged } : undefined,
      sizeLimit: search.sizeLimit ?? 0,
    });
    output.results.push({ dns: searchEntries.map(e => e.dn), entries: searchEntries });
  }
  if (input.compare) {
    output.compare = await client.compare(input.compare.dn, input.compare.attribute, input.compare.value);
  }
  if (input.rebinds) {
    output.rebinds = [];
    for (const rebind of input.rebinds) {
      try {
        await client.bind(rebind.dn, rebind.password);
        output.rebinds.push({ dn: rebind.dn, code: 0 });
      } catch (error) {
        output.rebinds.push({ dn: rebind.dn, code: error.code ?? -1 });
      }
    }
  }
  console.log(JSON.stringify(output));
} catch (error) {
  console.log(JSON.stringify({ error: { name: error.constructor?.name, code: error.code, message: error.message } }));
} finally {
  await client.unbind().catch(() => {});
}
