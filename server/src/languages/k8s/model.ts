/**
 * What the checks and the users' CRDs see of a document: a resource pgtls validates, and its kind (a built-in target
 * or a kind a CustomResourceDefinition of the workspace defines). The parse itself (files, documents, parts) is
 * parse.ts's.
 */
import type { Document } from 'yaml';
import type { Header, K8sDocument } from './parse';

/** What a resource is: a built-in target or a kind defined by a CustomResourceDefinition of the workspace. */
export interface ResourceKind {
  apiVersion: string;
  kind: string;
  /** Name used in messages, e.g. `CYBERTEC postgresql`. */
  title: string;
  operator: 'kubedb' | 'percona' | 'cpo' | 'cert-manager' | 'core' | 'custom' | 'zalando' | 'pgo' | 'pgo4';
  clusterScoped?: boolean;
}

/** One document that is a resource pgtls validates. */
export interface Resource {
  /** Path of the file. */
  path: string;
  doc: K8sDocument;
  /** The composed YAML document (document-relative ranges). */
  yaml: Document.Parsed;
  kind: ResourceKind;
  header: Header;
  /** Plain data as written (no defaults applied, nulls kept). */
  data: unknown;
}
