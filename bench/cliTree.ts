/**
 * A generated repository for `pgtls check` at scale (bench/cli.ts, test/unit/checkScale.test.ts): groups of 10 YAML
 * files, each a small deployment: a CA Secret and a server certificate Secret (real certificates made by openssl,
 * whose names do not cover the pooler Service: true SAN findings), the CYBERTEC `postgresql` that uses them, a
 * cert-manager Issuer and Certificate, a second cluster on the Certificate's Secret, a cluster whose Secret exists
 * nowhere in every fifth group (a true `secret/not-found`), and three files pgtls has nothing to say about
 * (ConfigMap, Deployment, Service). The same files in two layouts: one folder per group (`spread`), or `folders`
 * folders holding many groups each (`packed`); `normalise` maps a path of either layout to the same name.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** PEM texts of a CA and its server certificates (with their keys), shared by the groups in turn. */
export interface TreeCerts {
  caCrt: string;
  caKey: string;
  servers: { crt: string; key: string }[];
}

const run = (cwd: string, args: string[]) => {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
};

/** A CA and `n` server certificates for `cluster-<i>` names, made with openssl in a temporary folder (deleted after). */
export function makeTreeCerts(n = 4): TreeCerts {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-tree-certs-'));
  try {
    run(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=tree CA', '-days', '3650',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    const servers: TreeCerts['servers'] = [];
    for (let i = 0; i < n; i++) {
      fs.writeFileSync(path.join(dir, 'ext'), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:cluster-${i},DNS:cluster-${i}-repl\n`);
      run(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `s${i}.key`, '-out', `s${i}.csr`, '-subj', `/CN=cluster-${i}`]);
      run(dir, ['x509', '-req', '-in', `s${i}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `s${i}.crt`, '-days', '3650', '-extfile', 'ext']);
      servers.push({ crt: fs.readFileSync(path.join(dir, `s${i}.crt`), 'utf8'), key: fs.readFileSync(path.join(dir, `s${i}.key`), 'utf8') });
    }
    return { caCrt: fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8'), caKey: fs.readFileSync(path.join(dir, 'ca.key'), 'utf8'), servers };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const indent = (pem: string, n: number) => pem.trimEnd().split('\n').map(l => ' '.repeat(n) + l).join('\n');
const pad = (i: number) => String(i).padStart(5, '0');

/** The 10 files of group `g` (file name → text). */
export function groupFiles(g: number, certs: TreeCerts): Record<string, string> {
  const name = `c${pad(g)}`;
  const ns = `ns-${pad(g)}`;
  const server = certs.servers[g % certs.servers.length]!;
  const cluster = (n: string, secret: string, pooler: boolean) => `apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata:
  name: ${n}
  namespace: ${ns}
spec:
  teamId: acid
  numberOfInstances: 2
  spiloFSGroup: 103
  volume:
    size: 10Gi
  postgresql:
    version: "17"
  enableConnectionPooler: ${pooler}
  tls:
    secretName: ${secret}
    caSecretName: ${name}-ca
    caFile: ca.crt
`;
  return {
    'ca-secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}-ca\n  namespace: ${ns}\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: |\n${indent(certs.caCrt, 4)}\n  tls.key: |\n${indent(certs.caKey, 4)}\n  ca.crt: |\n${indent(certs.caCrt, 4)}\n`,
    'tls-secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}-tls\n  namespace: ${ns}\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: |\n${indent(server.crt, 4)}\n  tls.key: |\n${indent(server.key, 4)}\n  ca.crt: |\n${indent(certs.caCrt, 4)}\n`,
    'cluster.yaml': cluster(name, `${name}-tls`, g % 2 === 0),
    'issuer.yaml': `apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: ${name}-issuer\n  namespace: ${ns}\nspec:\n  ca:\n    secretName: ${name}-ca\n`,
    'certificate.yaml': `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: ${name}-cert\n  namespace: ${ns}\nspec:\n  secretName: ${name}-cm-tls\n  commonName: ${name}-b\n  dnsNames:\n    - ${name}-b\n    - ${name}-b-repl\n  issuerRef:\n    name: ${name}-issuer\n    kind: Issuer\n`,
    'cluster-b.yaml': cluster(`${name}-b`, `${name}-cm-tls`, false),
    'cluster-c.yaml': cluster(`${name}-c`, g % 5 === 0 ? `${name}-missing-tls` : `${name}-tls`, false),
    'configmap.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-settings\n  namespace: ${ns}\ndata:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: "a,b,c"\n`,
    'deployment.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}-app\n  namespace: ${ns}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: { app: ${name}-app }\n  template:\n    metadata:\n      labels: { app: ${name}-app }\n    spec:\n      containers:\n        - name: app\n          image: registry.example/app:1.4.2\n          env:\n            - name: PGHOST\n              value: ${name}\n`,
    'service.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}-app\n  namespace: ${ns}\nspec:\n  selector: { app: ${name}-app }\n  ports:\n    - port: 80\n      targetPort: 8080\n`,
  };
}

/**
 * Writes `groups` groups under `root`: `spread` puts group g in folder `g<g>/`; `packed` spreads the groups over
 * `folders` folders `d<k>/`, each file named `g<g>-<name>`. Returns the number of files written.
 */
export function writeTree(root: string, layout: 'spread' | 'packed', groups: number, certs: TreeCerts, folders = 10): number {
  let n = 0;
  const perFolder = Math.ceil(groups / folders);
  for (let g = 0; g < groups; g++) {
    const dir = layout === 'spread' ? path.join(root, `g${pad(g)}`) : path.join(root, `d${String(Math.floor(g / perFolder)).padStart(3, '0')}`);
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(groupFiles(g, certs))) {
      fs.writeFileSync(path.join(dir, layout === 'spread' ? file : `g${pad(g)}-${file}`), text);
      n++;
    }
  }
  return n;
}

/** The same name for a file of either layout: `g00012/cluster.yaml` and `d001/g00012-cluster.yaml` give `g00012-cluster.yaml`. */
export function normalise(file: string): string {
  const parts = file.split(/[\\/]/);
  const base = parts[parts.length - 1]!;
  const dir = parts[parts.length - 2] ?? '';
  return /^g\d+$/.test(dir) ? `${dir}-${base}` : base;
}
