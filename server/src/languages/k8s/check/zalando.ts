/**
 * Zalando postgres-operator `postgresql` (acid.zalan.do/v1), the upstream of CYBERTEC CPO. Its `spec.tls` block,
 * `spiloFSGroup` and clone validation are the same code in both (pkg/cluster/k8sres.go generateTlsMounts,
 * pkg/apis/acid.zalan.do/v1/util.go validateCloneClusterDescription at v1.15.1), so the rules are CPO's (spilo.ts)
 * under the `zalando/*` ids. Differences from CPO: no `spec.patroni.multisite`, `spec.tde`, `spec.backup` or
 * `spec.monitor` (the schema rejects them). The keys of the referenced Secrets are checked in secretKeys.ts. A
 * `spec.patroni.pg_hba` list replaces Spilo's defaults as in CPO (`zalando/pg-hba-incomplete`); its lines are
 * validated by the pg_hba rules in embedded.ts.
 */
import { ZALANDO } from '../rules';
import { checkSpiloCaSecret, checkSpiloClone, checkSpiloFsGroup, checkSpiloPgHba, checkSpiloSslFiles, checkSpiloTls, type SpiloProduct } from './spilo';
import type { RuleModule } from './types';
import { isZalando } from './util';

const PRODUCT: SpiloProduct = { rules: ZALANDO, name: 'the Zalando operator' };

export const zalandoModule: RuleModule = {
  name: 'zalando',
  appliesTo: isZalando,
  checkDocument(r, ctx) {
    checkSpiloClone(r, ctx, PRODUCT);
    checkSpiloTls(r, ctx, PRODUCT);
    checkSpiloPgHba(r, ctx, ZALANDO['pg-hba-incomplete']);
    checkSpiloSslFiles(r, ctx, PRODUCT);
  },
  checkLive(r, ctx) {
    checkSpiloFsGroup(r, ctx, PRODUCT);
    checkSpiloCaSecret(r, ctx, PRODUCT);
  },
};
