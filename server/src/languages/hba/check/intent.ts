/**
 * Lines that load and work, but do more than their author meant: `local ... trust` (every account of the machine that
 * can open the socket is any allowed database user) and an address range written inside an RFC 1918 private block
 * with too short a prefix, which also admits public addresses (`172.0.0.0/8` for Docker's 172.16.0.0/12 networks).
 */
import type { ValidateContext } from '../../../core/language';
import type { Fix } from '../../../core/types';
import { formatIp, lastOf, networkOf } from '../address';
import { widerThanPrivateBlock } from '../coverage';
import type { HbaFile, HbaRecord } from '../model';
import { rulesFor } from '../rules';

export function checkIntent(file: HbaFile, ctx: ValidateContext): void {
  for (const r of file.records) {
    if (r.conn === 'local' && r.method === 'trust') localTrust(file, r, ctx);
    else if (r.address && r.method !== 'reject') wideRange(file, r, ctx);
  }
}

/** Who the line lets in, for the message: "any database user", or the names. */
function whom(r: HbaRecord): string {
  if (r.users.some(t => !t.quoted && t.value === 'all')) return 'any database user';
  const names = r.users.map(t => `\`${t.value}\``);
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and others` : names.join(', ');
}

function localTrust(file: HbaFile, r: HbaRecord, ctx: ValidateContext): void {
  const span = r.methodToken.span;
  if (file.dialect === 'pgpool') {
    ctx.report(rulesFor('pgpool')['local-trust'], span, `\`local ... trust\` lets every account and process on this machine that can open pgpool's Unix socket connect as ${whom(r)} without any password; pgpool asks for none, and logs in to the backends itself where pool_passwd has the user's password (or the backends trust it). Use \`scram-sha-256\`, or restrict the socket with \`unix_socket_permissions\` if the machine is single-user.`,
      { fixes: [{ title: 'Replace `trust` with `scram-sha-256`', edits: [{ span, newText: 'scram-sha-256' }], preferred: true, changesBehaviour: true }] });
    return;
  }
  const fixes: Fix[] = [
    { title: 'Replace `trust` with `peer`', edits: [{ span, newText: 'peer' }], preferred: true, changesBehaviour: true },
    { title: 'Replace `trust` with `scram-sha-256`', edits: [{ span, newText: 'scram-sha-256' }], changesBehaviour: true },
  ];
  ctx.report(rulesFor('postgres')['local-trust'], span, `\`local ... trust\` lets every account and process on this machine that can open the Unix socket log in as ${whom(r)} without any password, superusers included where the line allows them. Use \`peer\`, which requires the operating-system user to match the database user, or \`scram-sha-256\`.`,
    { fixes });
}

function wideRange(file: HbaFile, r: HbaRecord, ctx: ValidateContext): void {
  const a = r.address!;
  const block = widerThanPrivateBlock(a);
  if (!block) return;
  const first = formatIp(networkOf(a.ip!.bytes, a.mask!));
  const last = formatIp(lastOf(a.ip!.bytes, a.mask!));
  const cidr = `${block.network}/${block.bits}`;
  const fix: Fix = a.maskToken
    ? { title: `Write the private block \`${block.network} ${block.mask}\``, edits: [{ span: a.token.span, newText: block.network }, { span: a.maskToken.span, newText: block.mask }] }
    : { title: `Write the private block \`${cidr}\``, edits: [{ span: a.token.span, newText: cidr }] };
  const written = a.maskToken ? `${a.token.value} ${a.maskToken.value}` : a.token.value;
  ctx.report(rulesFor(file.dialect)['wide-private-range'], a.maskToken ? [a.token.span[0], a.maskToken.span[1]] : a.token.span,
    `\`${written}\` reaches beyond the private block ${cidr} it seems meant for: it matches ${first}–${last}, which includes public internet addresses, so any client from those that can reach ${file.dialect === 'pgpool' ? 'pgpool' : 'PostgreSQL'} matches this line. Write \`${a.maskToken ? `${block.network} ${block.mask}` : cidr}\` (or the narrower subnet you use).`,
    { fixes: [{ ...fix, preferred: true, changesBehaviour: true }] });
}
