/**
 * The YAML mode over LSP, the way an editor drives it: the real server process (dist/server.js --stdio) side by side in
 * one run with the floor (`yaml.parseAllDocuments` of the same text, in-process, with the server's parse options) and
 * with yaml-language-server 1.25.0 given our JSON schemas for the same files (stock, with its fixed 200 ms validation
 * delay, and a variant with the delay set to 0, so that its compute shows apart from the delay).
 *
 * Four measurements: an edit of a Percona-sized single document, a one-key edit in a 5,000-line multi-document file,
 * cold start to first diagnostics, and server memory across repeated open/close of one file. Inputs, the schema
 * mapping and the two small launcher scripts are written to bench/.work/yaml/ (ignored by git).
 * A benchmark, not a test: nothing here asserts on time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { parseAllDocuments } from 'yaml';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { createService, type ParsedFile } from '../server/src/service';
import { nodeEnv } from '../server/src/node/env';
import { DEFAULT_SETTINGS, type SourceDocument } from '../server/src/core/types';
import { YAML_OPTIONS } from '../server/src/languages/k8s/parse';
import { TARGETS } from '../server/src/languages/k8s/detect';

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, 'bench/.work/yaml');
const OUR_SERVER = path.join(ROOT, 'dist/server.js');
const YLS_MAIN = require.resolve('yaml-language-server/out/server/src/server.js');
const YLS_SETTINGS = require.resolve('yaml-language-server/out/server/src/yamlSettings.js');
const YLS_VERSION = (JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('yaml-language-server/package.json')), 'package.json'), 'utf8')) as { version: string }).version;

const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------------
// Inputs

/**
 * A PerconaPGCluster of the size and shape of the operator's example resource (deploy/cr.yaml): instances with
 * resources, affinity and storage, PgBouncer, pgBackRest with repositories and schedules, PMM, Patroni, users, TLS
 * Secrets. Written for this benchmark. `rev` is the one value an edit changes (a label).
 */
export function perconaCluster(name: string, ns: string, rev: string): string {
  return `apiVersion: pgv2.percona.com/v2
kind: PerconaPGCluster
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app.kubernetes.io/part-of: billing
    bench/revision: "${rev}"
  annotations:
    owner: platform-team@example.com
  finalizers:
    - percona.com/delete-pvc
    - percona.com/delete-ssl
spec:
  crVersion: 2.5.0
  image: percona/percona-postgresql-operator:2.5.0-ppg17-postgres
  imagePullPolicy: IfNotPresent
  postgresVersion: 17
  port: 5432
  tlsOnly: true
  clusterServiceDNSSuffix: svc.cluster.local
  secrets:
    customTLSSecret:
      name: ${name}-tls
    customReplicationTLSSecret:
      name: ${name}-repl-tls
  tls:
    certValidityDuration: 2160h
    caValidityDuration: 87600h
  authentication:
    rules:
      - connection: hostssl
        databases: [billing]
        users: [billing_app]
        method: scram-sha-256
      - connection: hostssl
        databases: [all]
        users: [_crunchyrepl]
        method: cert
  expose:
    type: ClusterIP
    annotations:
      service.example.com/internal: "true"
  exposeReplicas:
    type: ClusterIP
  users:
    - name: billing_app
      databases:
        - billing
      options: "LOGIN"
      secretName: ${name}-billing-app
    - name: reporting
      databases:
        - billing
      options: "LOGIN NOSUPERUSER"
  databaseInitSQL:
    key: init.sql
    name: ${name}-init-sql
  instances:
    - name: primary-zone-a
      replicas: 3
      metadata:
        labels:
          tier: database
      resources:
        requests:
          cpu: "1"
          memory: 2Gi
        limits:
          cpu: "2"
          memory: 4Gi
      sidecars:
        - name: log-shipper
          image: example.com/tools/log-shipper:1.4
          command: ["/bin/log-shipper", "--path", "/pgdata/log"]
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              postgres-operator.crunchydata.com/instance-set: primary-zone-a
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 1
              podAffinityTerm:
                labelSelector:
                  matchLabels:
                    postgres-operator.crunchydata.com/data: postgres
                topologyKey: kubernetes.io/hostname
      tolerations:
        - effect: NoSchedule
          key: role
          operator: Equal
          value: database
      priorityClassName: high-priority
      walVolumeClaimSpec:
        accessModes:
          - ReadWriteOnce
        resources:
          requests:
            storage: 5Gi
      dataVolumeClaimSpec:
        storageClassName: fast-ssd
        accessModes:
          - ReadWriteOnce
        resources:
          requests:
            storage: 20Gi
  proxy:
    pgBouncer:
      replicas: 3
      image: percona/percona-postgresql-operator:2.5.0-ppg17-pgbouncer
      exposeSuperusers: false
      port: 5432
      resources:
        requests:
          cpu: 200m
          memory: 128Mi
        limits:
          cpu: 500m
          memory: 256Mi
      expose:
        type: ClusterIP
      config:
        global:
          pool_mode: transaction
          max_client_conn: "500"
          server_tls_sslmode: verify-full
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 1
              podAffinityTerm:
                labelSelector:
                  matchLabels:
                    postgres-operator.crunchydata.com/role: pgbouncer
                topologyKey: kubernetes.io/hostname
  backups:
    pgbackrest:
      image: percona/percona-postgresql-operator:2.5.0-ppg17-pgbackrest
      configuration:
        - secret:
            name: ${name}-pgbackrest-secrets
      global:
        repo1-retention-full: "14"
        repo1-retention-full-type: time
        repo2-path: /pgbackrest/${ns}/${name}/repo2
        repo2-s3-uri-style: path
        log-level-console: info
      manual:
        repoName: repo1
        options:
          - --type=full
      repoHost:
        affinity:
          podAntiAffinity:
            preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 1
                podAffinityTerm:
                  labelSelector:
                    matchLabels:
                      postgres-operator.crunchydata.com/data: pgbackrest
                  topologyKey: kubernetes.io/hostname
      repos:
        - name: repo1
          schedules:
            full: "0 0 * * 6"
            differential: "0 1 * * 1-5"
          volume:
            volumeClaimSpec:
              accessModes:
                - ReadWriteOnce
              resources:
                requests:
                  storage: 50Gi
        - name: repo2
          s3:
            bucket: billing-backups
            endpoint: s3.eu-central-1.amazonaws.com
            region: eu-central-1
          schedules:
            full: "0 2 * * 0"
  pmm:
    enabled: true
    image: percona/pmm-client:2.43.2
    querySource: pgstatmonitor
    secret: ${name}-pmm-secret
    serverHost: monitoring-service.monitoring.svc
    resources:
      requests:
        memory: 200M
        cpu: 500m
  patroni:
    syncPeriodSeconds: 10
    leaderLeaseDurationSeconds: 30
    dynamicConfiguration:
      postgresql:
        parameters:
          max_connections: 400
          shared_buffers: 1GB
          ssl_min_protocol_version: TLSv1.3
          password_encryption: scram-sha-256
          log_connections: "on"
        pg_hba:
          - hostssl billing billing_app all scram-sha-256
          - hostssl all all all scram-sha-256
  extensions:
    builtin:
      pg_stat_monitor: true
      pg_audit: true
`;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** One "tenant" of the multi-document file: the TLS Secrets, cert-manager objects and the three operators' clusters. */
function tenant(i: number, pem: Pem): string {
  const n = `t${i}`;
  const ns = `tenant-${i}`;
  const docs = [
    `# tenant ${i}: Secrets made by cert-manager
apiVersion: v1
kind: Secret
type: kubernetes.io/tls
metadata:
  name: ${n}-pg-tls
  namespace: ${ns}
data:
  tls.crt: ${b64(pem.cert)}
  tls.key: ${b64(pem.key)}
  ca.crt: ${b64(pem.ca)}
`,
    `apiVersion: v1
kind: Secret
type: kubernetes.io/tls
metadata:
  name: ${n}-pg-repl-tls
  namespace: ${ns}
data:
  tls.crt: ${b64(pem.cert)}
  tls.key: ${b64(pem.key)}
  ca.crt: ${b64(pem.ca)}
`,
    `apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: ${n}-selfsigned
  namespace: ${ns}
spec:
  selfSigned: {}
`,
    `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: ${n}-root-ca
  namespace: ${ns}
spec:
  isCA: true
  commonName: ${n}-root-ca
  secretName: ${n}-root-ca
  duration: 87600h
  privateKey:
    algorithm: ECDSA
    size: 256
  issuerRef:
    name: ${n}-selfsigned
    kind: Issuer
`,
    `apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: ${n}-ca
  namespace: ${ns}
spec:
  ca:
    secretName: ${n}-root-ca
`,
    `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: ${n}-cpo-tls
  namespace: ${ns}
spec:
  secretName: ${n}-cpo-tls
  commonName: ${n}-cpo
  dnsNames:
    - ${n}-cpo
    - ${n}-cpo-repl
    - ${n}-cpo-pooler
    - ${n}-cpo.${ns}.svc
  usages:
    - server auth
    - digital signature
    - key encipherment
  duration: 2160h
  renewBefore: 360h
  privateKey:
    algorithm: ECDSA
    size: 256
    encoding: PKCS8
  issuerRef:
    name: ${n}-ca
    kind: Issuer
`,
    perconaCluster(`${n}-pg`, ns, 'r0').split('\n').slice(0, 120).join('\n').replace(/\n  instances:[\s\S]*$/, '') + `
  instances:
    - name: instance1
      replicas: 3
      dataVolumeClaimSpec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 20Gi
  backups:
    pgbackrest:
      repos:
        - name: repo1
          volume:
            volumeClaimSpec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 50Gi
`,
    `apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata:
  name: ${n}-cpo
  namespace: ${ns}
spec:
  teamId: "billing"
  numberOfInstances: 2
  volume:
    size: 10Gi
  postgresql:
    version: "17"
    parameters:
      ssl_min_protocol_version: TLSv1.3
  enableConnectionPooler: true
  users:
    app_owner: [superuser, createdb]
  databases:
    app: app_owner
  resources:
    requests:
      cpu: 500m
      memory: 1Gi
    limits:
      cpu: "1"
      memory: 2Gi
  tls:
    secretName: ${n}-cpo-tls
    caFile: ca.crt
`,
    `apiVersion: kubedb.com/v1alpha2
kind: Pgpool
metadata:
  name: ${n}-pool
  namespace: ${ns}
spec:
  version: "4.5.0"
  replicas: 2
  postgresRef:
    name: ${n}-postgres
    namespace: ${ns}
  sslMode: verify-full
  clientAuthMode: cert
  tls:
    issuerRef:
      apiGroup: cert-manager.io
      kind: Issuer
      name: ${n}-ca
    certificates:
      - alias: server
        subject:
          organizations: [example]
      - alias: client
        subject:
          organizations: [example]
  syncUsers: true
  deletionPolicy: WipeOut
  healthChecker:
    periodSeconds: 10
    timeoutSeconds: 10
    failureThreshold: 3
`,
  ];
  return docs.join('---\n');
}

/** A file of tenants until it has at least `lines` lines. */
function multiFile(lines: number, pem: Pem): { text: string; tenants: number } {
  const parts: string[] = [];
  let count = 0;
  let i = 0;
  while (count < lines) {
    const t = tenant(i++, pem);
    parts.push(t);
    count += t.split('\n').length - 1;
  }
  return { text: parts.join('---\n'), tenants: i };
}

interface Pem { ca: string; cert: string; key: string }

/** A CA and a server certificate with its key for the Secrets (made at run time; the input file stays in bench/.work). */
function makePem(): Pem {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-bench-'));
  try {
    const run = (args: string[]) => {
      const r = spawnSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr?.toString()}`);
    };
    run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=bench-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=bench-server']);
    fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:bench-server\nextendedKeyUsage=serverAuth\n');
    run(['x509', '-req', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tls.crt', '-days', '397', '-extfile', 'ext.cnf']);
    return { ca: fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'tls.crt'), 'utf8'), key: fs.readFileSync(path.join(dir, 'tls.key'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// A small stdio LSP client

interface Diag { message: string; code?: unknown }
interface Published { t: number; diagnostics: Diag[] }

interface ServerSpec {
  name: string;
  /** Node arguments before the script. */
  nodeArgs: string[];
  script: string;
  /** Answers `workspace/configuration` items. */
  configuration(section: string | undefined): unknown;
  /** Ask for pull diagnostics (our server); otherwise the client waits for publishDiagnostics. */
  pull: boolean;
  /** Open an IPC channel for the memory probe. */
  probe?: boolean;
}

export class LspServer {
  readonly conn: MessageConnection;
  private readonly proc: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly waiters = new Map<string, ((p: Published) => void)[]>();
  configPulls = 0;
  stderr = '';
  /** The last full pull report per document (for `previousResultId`), and how many pulls were answered `unchanged`. */
  private readonly reports = new Map<string, { resultId: string; items: Diag[] }>();
  unchangedReports = 0;

  private constructor(readonly spec: ServerSpec, readonly t0: number) {
    this.proc = spawn(process.execPath, [...spec.nodeArgs, spec.script, '--stdio'], {
      stdio: spec.probe ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stderr!.on('data', (d: Buffer) => { if (this.stderr.length < 20_000) this.stderr += d.toString(); });
    this.exited = new Promise(r => this.proc.on('exit', () => r()));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => {
      this.configPulls++;
      return p.items.map(it => spec.configuration(it.section));
    });
    for (const m of ['client/registerCapability', 'client/unregisterCapability', 'window/workDoneProgress/create', 'workspace/diagnostic/refresh']) {
      this.conn.onRequest(m, () => null);
    }
    this.conn.onRequest(() => null);
    this.conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diag[] }) => {
      const t = performance.now();
      const q = this.waiters.get(p.uri);
      if (q?.length) q.shift()!({ t, diagnostics: p.diagnostics });
    });
    this.conn.onNotification(() => undefined);
    this.conn.listen();
  }

  /** Spawns and initialises; `t0` is taken before the spawn. */
  static async start(spec: ServerSpec, root: string): Promise<LspServer> {
    const s = new LspServer(spec, performance.now());
    const rootUri = pathToFileURL(root).href;
    await s.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true }, diagnostics: { refreshSupport: true } },
        textDocument: {
          synchronization: { dynamicRegistration: true, didSave: true },
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          ...(spec.pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { snippetSupport: true } },
          codeAction: {},
        },
      },
      initializationOptions: {},
    });
    await s.conn.sendNotification('initialized', {});
    return s;
  }

  /** Waits until the server has pulled its settings at least `n` times. */
  async settled(n = 1): Promise<void> {
    const deadline = performance.now() + 30_000;
    while (this.configPulls < n) {
      if (performance.now() > deadline) throw new Error(`${this.spec.name}: no settings pull`);
      await sleep(2);
    }
  }

  nextPublish(uri: string, accept: (p: Published) => boolean = () => true, timeoutMs = 120_000): Promise<Published> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.spec.name}: no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
      const wait = (p: Published) => {
        if (accept(p)) {
          clearTimeout(timer);
          resolve(p);
        } else this.enqueue(uri, wait);
      };
      this.enqueue(uri, wait);
    });
  }

  private enqueue(uri: string, f: (p: Published) => void): void {
    const q = this.waiters.get(uri) ?? [];
    q.push(f);
    this.waiters.set(uri, q);
  }

  /**
   * Pulls the diagnostics of `uri`. With `resultIds`, sends the result id of the last full report as
   * \`previousResultId\`, as VS Code does; an \`unchanged\` answer stands for that report's items.
   */
  async pull(uri: string, resultIds = false): Promise<Diag[]> {
    const last = resultIds ? this.reports.get(uri) : undefined;
    const r = await this.conn.sendRequest<{ kind: string; resultId?: string; items?: Diag[] }>('textDocument/diagnostic',
      { textDocument: { uri }, ...(last ? { previousResultId: last.resultId } : {}) });
    if (r.kind === 'unchanged') {
      if (!last) throw new Error(`${this.spec.name}: 'unchanged' without a previousResultId`);
      this.unchangedReports++;
      return last.items;
    }
    const items = r.items ?? [];
    if (resultIds && r.resultId !== undefined) this.reports.set(uri, { resultId: r.resultId, items });
    return items;
  }

  /** A request the server answers without work, to know that every earlier message has been handled. */
  async barrier(): Promise<void> {
    await this.conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///nonexistent/bench.txt' }, position: { line: 0, character: 0 } });
  }

  open(uri: string, text: string, version: number): void {
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
  }

  change(uri: string, version: number, contentChanges: unknown[]): void {
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  close(uri: string): void {
    this.reports.delete(uri);
    void this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Resident set size from /proc (MiB), and the heap after a full GC through the probe (MiB), if the probe runs. */
  async memory(): Promise<{ rss: number; heap?: number }> {
    if (this.spec.probe && this.proc.connected) {
      const answer = new Promise<{ rss: number; heapUsed: number }>(resolve => {
        const on = (m: unknown) => {
          const msg = m as { type?: string; rss: number; heapUsed: number };
          if (msg?.type === 'pgtls-bench-memory') {
            this.proc.off('message', on);
            resolve(msg);
          }
        };
        this.proc.on('message', on);
      });
      this.proc.send({ type: 'pgtls-bench-memory' });
      const m = await answer;
      return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
    }
    const status = fs.readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
    return { rss: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN) / 1024 };
  }

  /** Writes a heap snapshot through the probe (after a full GC) and returns its size split into code and the rest. */
  async heapComposition(file: string): Promise<{ code: number; data: number }> {
    const done = new Promise<void>(resolve => {
      const on = (m: unknown) => {
        if ((m as { type?: string })?.type === 'pgtls-bench-snapshot') {
          this.proc.off('message', on);
          resolve();
        }
      };
      this.proc.on('message', on);
    });
    this.proc.send({ type: 'pgtls-bench-snapshot', file });
    await done;
    try {
      const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[] };
      const fields = snap.snapshot.meta.node_fields;
      const types = snap.snapshot.meta.node_types[0];
      const typeAt = fields.indexOf('type');
      const sizeAt = fields.indexOf('self_size');
      let code = 0;
      let data = 0;
      for (let i = 0; i < snap.nodes.length; i += fields.length) {
        const size = snap.nodes[i + sizeAt]!;
        if (types[snap.nodes[i + typeAt]!] === 'code') code += size;
        else data += size;
      }
      return { code: code / 2 ** 20, data: data / 2 ** 20 };
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), sleep(3000)]);
      await this.conn.sendNotification('exit');
    } catch { /* the process may be gone already */ }
    if (this.proc.connected) this.proc.disconnect();
    const done = await Promise.race([this.exited.then(() => true), sleep(3000).then(() => false)]);
    if (!done) {
      this.proc.kill('SIGTERM'); // the process this client spawned, by its handle
      await this.exited;
    }
    this.conn.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Statistics

interface Stat { n: number; p50: number; p95: number }

function stat(t: number[]): Stat {
  const s = [...t].sort((a, b) => a - b);
  return { n: s.length, p50: s[Math.floor(s.length * 0.5)] ?? NaN, p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? NaN };
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const cell = (s: Stat) => `${ms(s.p50)} / ${ms(s.p95)}`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

function timeInProcess(fn: (i: number) => unknown, runs: number, warm = 10): Stat {
  for (let i = 0; i < warm; i++) fn(i);
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn(i);
    t.push(performance.now() - s);
  }
  return stat(t);
}

// ---------------------------------------------------------------------------------------------------------------------
// The servers

const OUR_SETTINGS = { ...DEFAULT_SETTINGS };

export function ours(probe = false, extraArgs: string[] = [], script = OUR_SERVER): ServerSpec {
  return {
    name: 'pgtls', script, pull: true, probe,
    nodeArgs: [...extraArgs, ...(probe ? ['--expose-gc', '--require', path.join(WORK, 'memory-probe.cjs')] : [])],
    configuration: section => (section === 'pgtls' ? OUR_SETTINGS : {}),
  };
}

function yls(schemas: Record<string, string[]>, debounce: boolean): ServerSpec {
  return {
    name: debounce ? 'yaml-language-server' : 'yaml-language-server (no delay)',
    script: debounce ? YLS_MAIN : path.join(WORK, 'yls-no-delay.cjs'), pull: false,
    nodeArgs: [],
    configuration: section => (section === 'yaml'
      ? { validate: true, hover: true, completion: true, format: { enable: false }, schemaStore: { enable: false }, schemas, customTags: [] }
      : {}),
  };
}

/** Launchers written at run time: the no-delay yaml-language-server and the memory probe for our server. */
function writeLaunchers(): void {
  fs.writeFileSync(path.join(WORK, 'yls-no-delay.cjs'), `'use strict';
// yaml-language-server ${YLS_VERSION} with its fixed validation delay (SettingsState.validationDelayMs) set to 0.
process.env.YAML_LANGUAGE_SERVER_VERSION = ${JSON.stringify(YLS_VERSION)};
const s = require(${JSON.stringify(YLS_SETTINGS)});
const Base = s.SettingsState;
s.SettingsState = class extends Base { constructor(...a) { super(...a); this.validationDelayMs = 0; } };
require(${JSON.stringify(YLS_MAIN)});
`);
  fs.writeFileSync(path.join(WORK, 'memory-probe.cjs'), `'use strict';
// Loaded with --require by the benchmark only: answers a memory question on the IPC channel (after a full GC).
process.on('message', m => {
  if (!m || m.type !== 'pgtls-bench-memory') return;
  if (global.gc) { global.gc(); global.gc(); }
  const u = process.memoryUsage();
  process.send({ type: 'pgtls-bench-memory', rss: u.rss, heapUsed: u.heapUsed });
});
process.on('message', m => {
  if (!m || m.type !== 'pgtls-bench-snapshot' || !global.gc) return;
  global.gc(); global.gc();
  process.send({ type: 'pgtls-bench-snapshot', file: require('node:v8').writeHeapSnapshot(m.file) });
});
`);
}

/**
 * yaml-language-server applies one schema per file glob; the multi-document file gets a dispatcher schema that applies
 * our schema of each kind to the documents of that apiVersion + kind (if/then), so both servers check the same things.
 */
function writeDispatcher(): string {
  const file = path.join(WORK, 'schemas/all-kinds.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'pgtls kinds (benchmark dispatcher)',
    allOf: TARGETS.map(t => ({
      if: { properties: { apiVersion: { const: t.apiVersion }, kind: { const: t.kind } }, required: ['apiVersion', 'kind'] },
      then: { $ref: pathToFileURL(path.join(ROOT, 'schemas/k8s', t.schema)).href },
    })),
  };
  fs.writeFileSync(file, JSON.stringify(schema, null, 2));
  return pathToFileURL(file).href;
}

// ---------------------------------------------------------------------------------------------------------------------
// Measurements

interface Input { name: string; dir: string; file: string; uri: string; text: string; lines: number }

function input(name: string, sub: string, fileName: string, text: string): Input {
  const dir = path.join(WORK, sub);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, fileName);
  fs.writeFileSync(file, text);
  return { name, dir, file, uri: pathToFileURL(file).href, text, lines: text.split('\n').length - 1 };
}

/** The edit: one value replaced (`from` → `to`), as a full text and as an incremental change. */
interface Edit { text: string; change: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } }

function editAt(base: string, offset: number, oldLength: number, replacement: string): Edit {
  const before = base.slice(0, offset);
  const line = before.split('\n').length - 1;
  const character = offset - (before.lastIndexOf('\n') + 1);
  return {
    text: before + replacement + base.slice(offset + oldLength),
    change: { range: { start: { line, character }, end: { line, character: character + oldLength } }, text: replacement },
  };
}

interface EditResult {
  /** didChange and the diagnostics request sent together, until the answer. */
  e2e: Stat;
  /** Only the diagnostics request, after the change was handled. */
  request: Stat;
  /** The floor, timed in this process right after every edit (so both see the same machine load). */
  floor: Stat;
  diagnostics: number;
  /** Share of the timed pulls answered \`unchanged\` (only with result ids). */
  unchanged: number;
}

/**
 * Our server: open, then `runs` edits of each kind, alternating: end to end (change + pull back to back) and request
 * only (change, a barrier round trip, then the timed pull). After each, `floor(i)` is timed in-process.
 * One server per entry of `variants`, all running at once and measured in turn edit by edit (so that they see the
 * same machine load; the order flips every second edit, so that none is always first); a `true` variant sends the previous result id with every
 * pull, as VS Code does, a `false` one none, so that every answer is a full report. The floor is shared.
 */
async function oursEdits(inp: Input, edits: (i: number) => { full?: string; change?: Edit['change'] }, runs: number, floorOf: (i: number) => unknown, variants: boolean[]): Promise<EditResult[]> {
  const servers = await Promise.all(variants.map(() => LspServer.start(ours(), inp.dir)));
  const state = await Promise.all(servers.map(async (s, k) => {
    s.open(inp.uri, inp.text, 1);
    const diagnostics = (await s.pull(inp.uri, variants[k])).length;
    return { version: 1, diagnostics, e2e: [] as number[], req: [] as number[], unchangedBefore: 0 };
  }));
  const floor: number[] = [];
  const warm = 10;
  for (let i = 0; i < runs * 2 + warm; i++) {
    const e = edits(i);
    const change = e.full !== undefined ? { text: e.full } : e.change!;
    // The order of the servers flips every second edit of each kind, so that none is always measured first.
    const order = Math.floor(i / 2) % 2 === 0 ? [...servers.keys()] : [...servers.keys()].reverse();
    for (const k of order) {
      const s = servers[k]!;
      const st = state[k]!;
      const resultIds = variants[k]!;
      if (i === warm) st.unchangedBefore = s.unchangedReports;
      if (i % 2 === 0) {
        const t = performance.now();
        s.change(inp.uri, ++st.version, [change]);
        st.diagnostics = (await s.pull(inp.uri, resultIds)).length;
        if (i >= warm) st.e2e.push(performance.now() - t);
      } else {
        s.change(inp.uri, ++st.version, [change]);
        await s.barrier();
        const t = performance.now();
        st.diagnostics = (await s.pull(inp.uri, resultIds)).length;
        if (i >= warm) st.req.push(performance.now() - t);
      }
    }
    const t = performance.now();
    floorOf(i);
    if (i >= warm) floor.push(performance.now() - t);
  }
  const results = servers.map((s, k) => {
    const st = state[k]!;
    const unchanged = (s.unchangedReports - st.unchangedBefore) / (st.e2e.length + st.req.length);
    return { e2e: stat(st.e2e), request: stat(st.req), floor: stat(floor), diagnostics: st.diagnostics, unchanged };
  });
  for (const s of servers) await s.stop();
  return results;
}

/** yaml-language-server: open, then `runs` edits, each timed from the change to the next published diagnostics. */
async function ylsEdits(spec: ServerSpec, inp: Input, edits: (i: number) => { full?: string; change?: Edit['change'] }, runs: number, warm = 3): Promise<{ edit: Stat; diagnostics: number }> {
  const s = await LspServer.start(spec, inp.dir);
  await s.settled();
  await sleep(300); // let it apply the settings before the document opens
  let version = 1;
  const first = s.nextPublish(inp.uri);
  s.open(inp.uri, inp.text, version);
  let diagnostics = (await first).diagnostics.length;
  const t: number[] = [];
  for (let i = 0; i < runs + warm; i++) {
    const e = edits(i);
    const next = s.nextPublish(inp.uri);
    const t0 = performance.now();
    s.change(inp.uri, ++version, [e.full !== undefined ? { text: e.full } : e.change!]);
    const p = await next;
    diagnostics = p.diagnostics.length;
    if (i >= warm) t.push(p.t - t0);
  }
  await s.stop();
  return { edit: stat(t), diagnostics };
}

/** Our server, the whole file from scratch: open → diagnostics → close, repeated (closing drops every cache of it). */
async function oursFull(inp: Input, runs: number): Promise<Stat> {
  const s = await LspServer.start(ours(), inp.dir);
  const t: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = performance.now();
    s.open(inp.uri, inp.text, 1);
    await s.pull(inp.uri);
    if (i >= 3) t.push(performance.now() - t0);
    s.close(inp.uri);
    await s.barrier();
  }
  await s.stop();
  return stat(t);
}

/** yaml-language-server (no delay), the whole file: open → published diagnostics → close. */
async function ylsFull(spec: ServerSpec, inp: Input, runs: number): Promise<Stat> {
  const s = await LspServer.start(spec, inp.dir);
  await s.settled();
  await sleep(300);
  const t: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const next = s.nextPublish(inp.uri);
    const t0 = performance.now();
    s.open(inp.uri, inp.text, 1);
    const p = await next;
    if (i >= 2) t.push(p.t - t0);
    const cleared = s.nextPublish(inp.uri, () => true, 10_000);
    s.close(inp.uri);
    await cleared.catch(() => undefined);
  }
  await s.stop();
  return stat(t);
}

/** Spawn → initialize → didOpen → first diagnostics (for yaml-language-server: the first non-empty publish). */
async function coldStart(spec: ServerSpec, inp: Input): Promise<{ ms: number; diagnostics: number }> {
  const s = await LspServer.start(spec, inp.dir);
  let diagnostics: number;
  let end: number;
  if (spec.pull) {
    s.open(inp.uri, inp.text, 1);
    diagnostics = (await s.pull(inp.uri)).length;
    end = performance.now();
  } else {
    const p = s.nextPublish(inp.uri, q => q.diagnostics.length > 0, 60_000);
    s.open(inp.uri, inp.text, 1);
    const r = await p;
    diagnostics = r.diagnostics.length;
    end = r.t;
  }
  const msTaken = end - s.t0;
  await s.stop();
  return { ms: msTaken, diagnostics };
}

interface MemoryResult {
  samples: { cycle: number; rss: number; heap: number }[];
  /** Heap snapshot composition after the warm-up cycles and at the end. */
  warm: { cycle: number; code: number; data: number };
  end: { cycle: number; code: number; data: number };
}

async function memoryRun(inp: Input, cycles: number, warmCycles: number): Promise<MemoryResult> {
  const s = await LspServer.start(ours(true), inp.dir);
  const samples: MemoryResult['samples'] = [];
  let warm: MemoryResult['warm'] | undefined;
  let end: MemoryResult['end'] | undefined;
  for (let i = 1; i <= cycles; i++) {
    s.open(inp.uri, inp.text, 1);
    await s.pull(inp.uri);
    s.close(inp.uri);
    await s.barrier();
    if (i === 1 || i === warmCycles || i % (cycles / 4) === 0) {
      const m = await s.memory();
      samples.push({ cycle: i, rss: m.rss, heap: m.heap ?? NaN });
    }
    if (i === warmCycles) warm = { cycle: i, ...await s.heapComposition(path.join(WORK, 'warm.heapsnapshot')) };
    if (i === cycles) end = { cycle: i, ...await s.heapComposition(path.join(WORK, 'end.heapsnapshot')) };
  }
  await s.stop();
  return { samples, warm: warm!, end: end! };
}

// ---------------------------------------------------------------------------------------------------------------------

export async function benchYaml(log: (line: string) => void = console.log): Promise<string> {
  if (!fs.existsSync(OUR_SERVER)) throw new Error('dist/server.js is missing: run `npm run build` first');
  fs.mkdirSync(WORK, { recursive: true });
  writeLaunchers();
  const dispatcher = writeDispatcher();
  const pem = makePem();

  // 1. One Percona document; the edit changes one label value (a new value every time, so nothing can be replayed).
  const single = input('PerconaPGCluster', 'single', 'cluster.yaml', perconaCluster('billing', 'db', 'r0'));
  const revAt = single.text.indexOf('"r0"') + 1;
  const singleEdit = (i: number): Edit => editAt(single.text, revAt, 2, `r${i + 1}`);
  const singleSchemas = { [pathToFileURL(path.join(ROOT, 'schemas/k8s/percona-perconapgcluster.json')).href]: [single.file] };

  // 2. The 5,000-line file; the edit changes one value in a document in the middle.
  const m = multiFile(5000, pem);
  const multi = input('multi', 'multi', 'tenants.yaml', m.text);
  const docCount = multi.text.split(/^---$/m).length;
  const midTenant = Math.floor(m.tenants / 2);
  const poolAt = multi.text.indexOf(`name: t${midTenant}-pool`);
  const replicasAt = multi.text.indexOf('replicas: 2', poolAt) + 'replicas: '.length;
  const multiEdit = (i: number): Edit => editAt(multi.text, replicasAt, 1, String(3 + (i % 7)));
  const multiSchemas = { [dispatcher]: [multi.file] };

  // 3. Cold start: the Percona document with a schema error (a quoted port), so that both servers have something to say.
  const coldText = perconaCluster('billing', 'db', 'r0').replace('  port: 5432\n', '  port: "5432"\n');
  const cold = input('cold', 'cold', 'cluster.yaml', coldText);
  const coldSchemas = { [pathToFileURL(path.join(ROOT, 'schemas/k8s/percona-perconapgcluster.json')).href]: [cold.file] };

  // In-process references: the floor, and our own parse + validate (what the server computes per version).
  const service = createService(nodeEnv(path.join(ROOT, 'schemas')));
  // The three in-process measurements and the floor are interleaved edit by edit, so that they see the same load.
  const inProcess = (inp: Input, edit: (i: number) => Edit, runs: number, withParseOnly: boolean) => {
    const docOf = (text: string): SourceDocument => ({ path: inp.file, text, languageId: 'yaml' });
    let prev: ParsedFile = service.parse(docOf(inp.text));
    const times = { floor: [] as number[], incremental: [] as number[], parseOnly: [] as number[] };
    const timed = (into: number[], i: number, f: () => unknown) => {
      const t = performance.now();
      f();
      if (i >= 10) into.push(performance.now() - t);
    };
    for (let i = 0; i < runs + 10; i++) {
      const text = edit(i).text;
      timed(times.floor, i, () => parseAllDocuments(text, YAML_OPTIONS));
      timed(times.incremental, i, () => {
        const d = docOf(text);
        prev = service.parse(d, prev);
        return service.validate(d, prev, OUR_SETTINGS);
      });
      if (withParseOnly) timed(times.parseOnly, i, () => service.parse(docOf(text)));
    }
    const scratch = timeInProcess(i => { const d = docOf(edit(i).text); return service.validate(d, service.parse(d), OUR_SETTINGS); }, Math.max(10, runs / 10), 3);
    return { floor: stat(times.floor), incremental: stat(times.incremental), parseOnly: stat(times.parseOnly), scratch };
  };

  log(`yaml: single document (${single.lines} lines)`);
  const sIn = inProcess(single, singleEdit, 300, true);
  // Incremental changes, as VS Code sends them (the server declares TextDocumentSyncKind.Incremental); pulls with and
  // without the previous result id.
  const singleChange = (i: number) => ({ change: singleEdit(i).change });
  const singleFloor = (i: number) => parseAllDocuments(singleEdit(i).text, YAML_OPTIONS);
  const [sOurs, sOursFullReport] = (await oursEdits(single, singleChange, 200, singleFloor, [true, false])) as [EditResult, EditResult];
  const sYls = await ylsEdits(yls(singleSchemas, true), single, singleChange, 20);
  const sYlsNd = await ylsEdits(yls(singleSchemas, false), single, singleChange, 100);

  log(`yaml: multi-document file (${multi.lines} lines, ${docCount} documents)`);
  const mIn = inProcess(multi, multiEdit, 60, false);
  const multiFloor = (i: number) => parseAllDocuments(multiEdit(i).text, YAML_OPTIONS);
  const [mOurs, mOursFullReport] = (await oursEdits(multi, i => ({ change: multiEdit(i).change }), 60, multiFloor, [true, false])) as [EditResult, EditResult];
  const mOursFull = await oursFull(multi, 15);
  const mYls = await ylsEdits(yls(multiSchemas, true), multi, i => ({ change: multiEdit(i).change }), 10, 2);
  const mYlsNd = await ylsEdits(yls(multiSchemas, false), multi, i => ({ change: multiEdit(i).change }), 15, 2);
  const mYlsFull = await ylsFull(yls(multiSchemas, false), multi, 8);

  log('yaml: cold start');
  const coldRuns = 9;
  // The server as it is packaged (esbuild.mjs --production: minified, no source map), built here beside dist/.
  const packaged = path.join(WORK, 'server.production.js');
  await build({ bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, sourcemap: false, logLevel: 'warning',
    entryPoints: [path.join(ROOT, 'server/src/main.ts')], outfile: packaged });
  const bundleMiB = (f: string) => (fs.statSync(f).size / 2 ** 20).toFixed(1);
  // Round robin, a new process every time, so that all see the same machine load.
  const coldSpecs = [() => ours(), () => yls(coldSchemas, true), () => yls(coldSchemas, false), () => ours(false, [], packaged)];
  const coldRuns2: { ms: number; diagnostics: number }[][] = coldSpecs.map(() => []);
  for (let i = 0; i < coldRuns; i++) for (const [k, spec] of coldSpecs.entries()) coldRuns2[k]!.push(await coldStart(spec(), cold));
  const coldOf = (k: number) => ({ stat: stat(coldRuns2[k]!.map(x => x.ms)), diagnostics: coldRuns2[k]![coldRuns2[k]!.length - 1]!.diagnostics });
  const cOurs = coldOf(0);
  const cYls = coldOf(1);
  const cYlsNd = coldOf(2);
  const cPackaged = coldOf(3);

  log('yaml: memory');
  const memCycles = 200;
  const mem = await memoryRun(multi, memCycles, 10);

  // ------------------------------------------------------------------------------------------------------------------
  const met = (ok: boolean) => (ok ? '(met)' : '(missed)');
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  /** How `a` compares with `b` (two p50s of one table): within 15 % counts as the noise of a run on a shared machine. */
  const compare = (a: number, b: number) => (Math.abs(a - b) / Math.max(a, b) < 0.15
    ? 'within the noise of the run of'
    : `${Math.round((Math.abs(a - b) / b) * 100)} % ${a < b ? 'faster' : 'slower'} than`);
  const sRatioE2e = sOurs.e2e.p50 / sOurs.floor.p50;
  const sRatioReq = sOurs.request.p50 / sOurs.floor.p50;
  const floorFull = mOurs.floor;
  const mRatioFloor = mOurs.e2e.p50 / floorFull.p50;
  const mRatioOurs = mOurs.e2e.p50 / mOursFull.p50;
  const coldRatio = cOurs.stat.p50 / cYls.stat.p50;
  const first = mem.samples[0]!;
  const last = mem.samples[mem.samples.length - 1]!;
  const growth = (a: number, b: number) => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)} %`;
  const flat = Math.abs(mem.end.data - mem.warm.data) / mem.warm.data <= 0.05;
  const cpu = os.cpus();

  return `## Kubernetes YAML over LSP: pgtls vs. the bare parse and yaml-language-server

Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}; load average at the end of this part ${os.loadavg().map(l => l.toFixed(1)).join(' / ')}
(other work was running on the machine: compare the ratios of one table, measured side by side, more than absolute times).

Measured over LSP the way an editor drives a server: each server is a real process on stdio (ours: \`dist/server.js
--stdio\`, pull diagnostics; yaml-language-server ${YLS_VERSION}: published diagnostics), driven by the benchmark's own
JSON-RPC client (bench/yaml.ts), in the same run. yaml-language-server gets our JSON schemas for the same files
(\`yaml.schemas\`, mapped by absolute path, since its globs do not match inside folders whose name starts with a dot;
for the multi-kind file a dispatcher schema that applies our schema of each apiVersion + kind with if/then). It waits a
fixed 200 ms before it validates, so it is measured twice: stock (what a user waits) and with that delay set to 0 (its
compute plus the round trip). The floor is \`parseAllDocuments\` of the \`yaml\` package on the same text, in the
benchmark's process, with the options our server parses with (YAML 1.1, source tokens kept), timed right after every
measured edit so that both see the same machine load. Times in milliseconds, p50 / p95.

### 1. Edit → diagnostics, one Percona document (${single.lines} lines, ${(single.text.length / 1024).toFixed(1)} KiB)

A PerconaPGCluster shaped like the operator's example resource, written for the benchmark. Each edit is a
\`didChange\` with one incremental change, the range of one label value and its new text, as VS Code sends it (the
server declares incremental sync); a new value every time, so nothing is replayed from a cache. Both servers get the
same changes. "End to end": from sending the change to receiving the diagnostics (the pull request goes right behind
the change). "Request": the pull alone, after the server has taken the change (a barrier round trip in between):
parse, every rule, conversion to LSP and the round trip. Pulls carry the result id of the last full report as
\`previousResultId\`, as VS Code does, and the server answers \`unchanged\` when the diagnostics are the same again
(${pct(sOurs.unchanged)} of the timed pulls here); the "full report" rows repeat the run with pulls that carry no result id,
so that every answer carries the whole list; the two variants run side by side, each in its own server process, and
are measured in turn edit by edit. "In-process": the same parse + validate called directly, no LSP.
Each group is compared with the floor timed alongside it (edit by edit), as the machine load changes over the run.

| what | runs | p50 / p95 | vs. floor (p50) | diagnostics |
| --- | --- | --- | --- | --- |
| floor: \`parseAllDocuments\`, timed with the in-process runs | ${sIn.floor.n} | ${cell(sIn.floor)} | 1.00× | |
| pgtls in-process: parse only, from scratch | ${sIn.parseOnly.n} | ${cell(sIn.parseOnly)} | ${ratio(sIn.parseOnly.p50, sIn.floor.p50)} | |
| pgtls in-process: parse + validate, after the previous version | ${sIn.incremental.n} | ${cell(sIn.incremental)} | ${ratio(sIn.incremental.p50, sIn.floor.p50)} | |
| floor: \`parseAllDocuments\`, timed with the LSP runs | ${sOurs.floor.n} | ${cell(sOurs.floor)} | 1.00× | |
| pgtls over LSP: request → diagnostics | ${sOurs.request.n} | ${cell(sOurs.request)} | ${ratio(sOurs.request.p50, sOurs.floor.p50)} | ${sOurs.diagnostics} |
| **pgtls over LSP: end to end** | ${sOurs.e2e.n} | ${cell(sOurs.e2e)} | ${ratio(sOurs.e2e.p50, sOurs.floor.p50)} | ${sOurs.diagnostics} |
| pgtls over LSP, full report: request → diagnostics | ${sOursFullReport.request.n} | ${cell(sOursFullReport.request)} | ${ratio(sOursFullReport.request.p50, sOursFullReport.floor.p50)} | ${sOursFullReport.diagnostics} |
| pgtls over LSP, full report: end to end | ${sOursFullReport.e2e.n} | ${cell(sOursFullReport.e2e)} | ${ratio(sOursFullReport.e2e.p50, sOursFullReport.floor.p50)} | ${sOursFullReport.diagnostics} |
| yaml-language-server, no delay | ${sYlsNd.edit.n} | ${cell(sYlsNd.edit)} | ${ratio(sYlsNd.edit.p50, sOurs.floor.p50)} | ${sYlsNd.diagnostics} |
| yaml-language-server, stock (200 ms delay) | ${sYls.edit.n} | ${cell(sYls.edit)} | ${ratio(sYls.edit.p50, sOurs.floor.p50)} | ${sYls.diagnostics} |

Target: edit → diagnostics with every rule ≤ 1.5× the bare parse: end to end ${ratio(sOurs.e2e.p50, sOurs.floor.p50)}
${met(sRatioE2e <= 1.5)}, request only ${ratio(sOurs.request.p50, sOurs.floor.p50)} ${met(sRatioReq <= 1.5)}; with full reports end to end
${ratio(sOursFullReport.e2e.p50, sOursFullReport.floor.p50)} ${met(sOursFullReport.e2e.p50 / sOursFullReport.floor.p50 <= 1.5)}. ${sOurs.diagnostics === 0
    ? 'This document has no diagnostics, so an `unchanged` answer saves only an empty list'
    : `With ${sOurs.diagnostics} diagnostics per answer, \`unchanged\` saves serialising and re-reading them`}: end to end, the
result-id variant is ${compare(sOurs.e2e.p50, sOursFullReport.e2e.p50)} the full-report one (p50 ${ms(sOurs.e2e.p50)} vs. ${ms(sOursFullReport.e2e.p50)}).
Without LSP, parse + validate is ${ratio(sIn.incremental.p50, sIn.floor.p50)} of the floor ${met(sIn.incremental.p50 / sIn.floor.p50 <= 1.5)}: the edit changes one scalar,
and the server re-parses only that scalar and patches the previous version's parse where an edit allows it, where
the floor parses the whole text (a parse from scratch, the "parse only" row, costs about as much as the floor); the
LSP round trip (the change in, the diagnostics out, two pipes, two processes on a shared two-core machine) adds the
rest.

### 2. One-key edit in a ${multi.lines.toLocaleString('en')}-line file (${docCount} documents, ${(multi.text.length / 1024).toFixed(0)} KiB)

${m.tenants} tenants, each: two TLS Secrets (a real certificate and key, made with openssl at run time), a self-signed
and a CA Issuer, two Certificates, a PerconaPGCluster, a CYBERTEC postgresql and a KubeDB Pgpool. The edit changes
\`replicas\` of the Pgpool in the middle of the file, sent as an incremental change (as editors send it); the server
re-parses only the edited document and reuses the others with their memoised checks, and runs the cross-document
checks (workspace lookups) of every document again. "From scratch": the same server opening the file (closing it drops
every cache of it).

| what | runs | p50 / p95 | one-key edit (end to end) vs. this |
| --- | --- | --- | --- |
| floor: \`parseAllDocuments\` of the whole file | ${floorFull.n} | ${cell(floorFull)} | ${ratio(mOurs.e2e.p50, floorFull.p50)} |
| pgtls in-process: parse + validate from scratch | ${mIn.scratch.n} | ${cell(mIn.scratch)} | ${ratio(mOurs.e2e.p50, mIn.scratch.p50)} |
| pgtls over LSP: open → diagnostics (from scratch) | ${mOursFull.n} | ${cell(mOursFull)} | ${ratio(mOurs.e2e.p50, mOursFull.p50)} |
| pgtls in-process: one-key edit, parse + validate | ${mIn.incremental.n} | ${cell(mIn.incremental)} | (${ratio(mIn.incremental.p50, mIn.floor.p50)} of the floor timed alongside: ${ms(mIn.floor.p50)}) |
| **pgtls over LSP: one-key edit, end to end** | ${mOurs.e2e.n} | ${cell(mOurs.e2e)} | |
| pgtls over LSP: one-key edit, request → diagnostics | ${mOurs.request.n} | ${cell(mOurs.request)} | |
| pgtls over LSP, full report: one-key edit, end to end | ${mOursFullReport.e2e.n} | ${cell(mOursFullReport.e2e)} | ${ratio(mOursFullReport.e2e.p50, floorFull.p50)} of the floor, ${ratio(mOursFullReport.e2e.p50, mOursFull.p50)} of from scratch |
| pgtls over LSP, full report: one-key edit, request → diagnostics | ${mOursFullReport.request.n} | ${cell(mOursFullReport.request)} | |
| yaml-language-server, no delay: open → diagnostics | ${mYlsFull.n} | ${cell(mYlsFull)} | |
| yaml-language-server, no delay: one-key edit | ${mYlsNd.edit.n} | ${cell(mYlsNd.edit)} | |
| yaml-language-server, stock: one-key edit | ${mYls.edit.n} | ${cell(mYls.edit)} | |

Diagnostics in this file: pgtls ${mOurs.diagnostics} (certificate and cross-resource rules: the Secrets reuse one
certificate), yaml-language-server ${mYlsNd.diagnostics} (schemas only). Pulls carry \`previousResultId\` as in case 1
(${pct(mOurs.unchanged)} of the timed pulls answered \`unchanged\`: the edit changes no diagnostic, so the ${mOurs.diagnostics} diagnostics
are neither serialised nor sent again); the "full report" rows send none, so every answer carries all of them.
End to end, the result-id variant is ${compare(mOurs.e2e.p50, mOursFullReport.e2e.p50)} the full-report one (p50 ${ms(mOurs.e2e.p50)} vs.
${ms(mOursFullReport.e2e.p50)})${mOurs.e2e.p50 >= mOursFullReport.e2e.p50 * 0.85
    ? `: the server still computes and compares the diagnostics on every pull, and what \`unchanged\` saves (serialising ${mOurs.diagnostics} diagnostics, the pipe, the client's parse) is small next to the validation itself`
    : ''}.
Target: a one-key edit ≤ 0.15× a full re-parse: ${ratio(mOurs.e2e.p50, floorFull.p50)} of the bare parse of the whole file
${met(mRatioFloor <= 0.15)}, ${ratio(mOurs.e2e.p50, mOursFull.p50)} of our own from-scratch validation ${met(mRatioOurs <= 0.15)}; with full reports
${ratio(mOursFullReport.e2e.p50, floorFull.p50)} of the bare parse ${met(mOursFullReport.e2e.p50 / floorFull.p50 <= 0.15)}. yaml-language-server re-parses and re-validates the whole
file on every edit.

### 3. Cold start → first diagnostics

Spawn the process, \`initialize\`, \`initialized\`, \`didOpen\` of the Percona document with a schema error
(a quoted port; ${cold.lines} lines; pgtls also reports the fields its crVersion 2.5.0 lacks, hence more findings), until the first diagnostics (pgtls: the answer to the pull sent right after the open;
yaml-language-server: the first non-empty publish). ${coldRuns} runs each, a new process every time, the servers in
turn. Our schemas are precompiled into the bundle (ajv standalone), so there is no schema compilation at start-up.
The certificate code (@peculiar/x509 with tsyringe, reflect-metadata and the ASN.1 modules) is loaded on first use: the
TLS backend when a Secret with certificate or key entries is validated, the certificate commands on their first
request. This document holds no certificate, so none of it runs: in CPU profiles of such a start those modules take
no time at all, where a start with one certificate Secret spends 35-40 ms of their own time loading them. What
remains is Node's own start, compiling and evaluating the rest of the bundle (vscode-languageserver, yaml, the
precompiled schemas, our code), and the first parse and validation on cold, not yet optimised code.

| server | p50 / p95 | diagnostics |
| --- | --- | --- |
| pgtls, dist/server.js (development build, ${bundleMiB(OUR_SERVER)} MiB) | ${cell(cOurs.stat)} | ${cOurs.diagnostics} |
| pgtls, production build as packaged (minified, ${bundleMiB(packaged)} MiB) | ${cell(cPackaged.stat)} | ${cPackaged.diagnostics} |
| yaml-language-server, stock | ${cell(cYls.stat)} | ${cYls.diagnostics} |
| yaml-language-server, no delay | ${cell(cYlsNd.stat)} | ${cYlsNd.diagnostics} |

Target: ours ≤ 0.4× yaml-language-server's: dist/server.js ${ratio(cOurs.stat.p50, cYls.stat.p50)} of stock ${met(coldRatio <= 0.4)}
(${ratio(cOurs.stat.p50, cYlsNd.stat.p50)} of the no-delay variant); the packaged build ${ratio(cPackaged.stat.p50, cYls.stat.p50)} of stock
${met(cPackaged.stat.p50 / cYls.stat.p50 <= 0.4)} (${ratio(cPackaged.stat.p50, cYlsNd.stat.p50)} of the no-delay variant).

### 4. Memory across repeated open/close

The ${multi.lines.toLocaleString('en')}-line file opened, validated (pull) and closed ${memCycles} times in one pgtls process.
"Heap used" is \`process.memoryUsage().heapUsed\` after a full GC, asked through a probe the benchmark loads into the
server with \`--require\` (the server has no such request); RSS includes pages V8 keeps reserved. The heap snapshots
after cycle ${mem.warm.cycle} and ${mem.end.cycle} split the heap into compiled code (V8's optimised machine code and its
deoptimisation data, which grows while the JIT settles) and everything else (the server's data).

| after cycle | heap used (MiB) | RSS (MiB) |
| --- | --- | --- |
${mem.samples.map(x => `| ${x.cycle} | ${x.heap.toFixed(2)} | ${x.rss.toFixed(1)} |`).join('\n')}

| heap snapshot after cycle | data (MiB) | compiled code (MiB) |
| --- | --- | --- |
| ${mem.warm.cycle} | ${mem.warm.data.toFixed(2)} | ${mem.warm.code.toFixed(2)} |
| ${mem.end.cycle} | ${mem.end.data.toFixed(2)} | ${mem.end.code.toFixed(2)} |

Heap used ${growth(first.heap, last.heap)} from cycle ${first.cycle} to ${last.cycle} (RSS ${growth(first.rss, last.rss)}); data
${growth(mem.warm.data, mem.end.data)} and compiled code ${growth(mem.warm.code, mem.end.code)} from cycle ${mem.warm.cycle} to ${mem.end.cycle}.
Target: flat, i.e. the server's data within 5 % after warm-up ${met(flat)}.
`;
}


if (require.main === module) {
  void benchYaml().then(md => {
    console.log(`\n${md}`);
  }, e => {
    console.error(e);
    process.exitCode = 1;
  });
}
