import type { ValidateContext } from '../../core/language';
import type { RuleMeta, SourceDocument } from '../../core/types';
import type { PgpoolConfFile } from './model';

// STUB: replaced by the TLS rules (ssl = on and the files it names).
export const TLS_RULES: readonly RuleMeta[] = [];
export function checkTls(_doc: SourceDocument, _file: PgpoolConfFile, _ctx: ValidateContext): void {}
