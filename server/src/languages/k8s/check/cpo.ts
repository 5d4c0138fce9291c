/**
 * CYBERTEC CPO `postgresql` (cpo.opensource.cybertec.at/v1), document-local TLS rules: an empty `tls.secretName`
 * turns TLS off (C2), `caSecretName` without `caFile` is ignored (C3), custom TLS without `spiloFSGroup` (C6, a note:
 * OpenShift and the operator-wide `spilo_fsgroup` are invisible from here), the clone source name (C11). A missing
 * `secretName` is the schema's `required` (C1). C10 (team-id prefix) is not checked: it depends on an operator option
 * that is off by default, so a name without the prefix is normal. The keys of the referenced Secrets are checked in
 * secretKeys.ts. The rules themselves are shared with Zalando's operator, CPO's upstream (spilo.ts). Facts: operators.md §3.2.
 */
import { CPO } from '../rules';
import { checkSpiloCaSecret, checkSpiloClone, checkSpiloFsGroup, checkSpiloSslFiles, checkSpiloTls, type SpiloProduct } from './spilo';
import type { RuleModule } from './types';
import { isCpo } from './util';

const PRODUCT: SpiloProduct = { rules: CPO, name: 'CPO' };

export const cpoModule: RuleModule = {
  name: 'cpo',
  appliesTo: isCpo,
  checkDocument(r, ctx) {
    checkSpiloClone(r, ctx, PRODUCT);
    checkSpiloTls(r, ctx, PRODUCT);
    checkSpiloSslFiles(r, ctx, PRODUCT);
  },
  checkLive(r, ctx) {
    checkSpiloFsGroup(r, ctx, PRODUCT);
    checkSpiloCaSecret(r, ctx, PRODUCT);
  },
};
