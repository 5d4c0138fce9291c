/**
 * Realistic, valid configurations written the way users write them (tutorials, the Pgpool-II and PostgreSQL manuals,
 * distribution defaults, Helm charts, operators). pgtls must report no error on any of them, in any supported version
 * from the one the configuration targets on, and only the warnings listed (which are true, silent problems).
 *
 * Oracle runs (recipes/pgpool/pgpool-check.sh with Debian's Pgpool-II 4.3.5, recipes/pgpool/pg-hba-check.sh with
 * PostgreSQL 15): every pgpool.conf was accepted by 4.3.5 (the 4.4+ ones apart from the INFO for names 4.3 does not
 * have), every pool_hba.conf loaded without a LOG error, and every pg_hba.conf line up to 15 loaded; p07's RADIUS line
 * only failed there because `r1.example.com` does not resolve on the test machine. p08 (PostgreSQL 16 syntax) and c21
 * (4.7 parameters) are beyond the oracles' versions: their parameters and syntax come from the reference tables.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { check, testService } from '../helpers';
import type { Problem } from '../../server/src/core/types';

interface Case {
  id: string;
  name: string;
  /** The Pgpool-II version the configuration targets (checked from there up to 4.7 for errors). */
  pgpool?: string;
  /** The PostgreSQL version a pg_hba.conf targets (checked from there up to 17 for errors). */
  postgres?: number;
  checkFiles?: false;
  /** The files are saved with CRLF line endings. */
  crlf?: true;
  /** `rule@line` of every expected warning at the target version, per file. */
  warnings?: string[];
  files: Record<string, string>;
}

const DIR = '/srv/config';
const PGPOOL_VERSIONS = ['4.3', '4.4', '4.5', '4.6', '4.7'];
const POSTGRES_VERSIONS = [15, 16, 17];

const CASES: Case[] = [
  {
    id: 'c01', name: "Streaming replication, 3 nodes, with pool_hba (tutorial style)",
    pgpool: "4.3",
    // the tutorial's `local all all trust`: any local account is any user
    warnings: ["pool-hba/local-trust@4"],
    files: {
      "pgpool.conf": `# ----------------------------
# pgPool-II configuration file
# ----------------------------
# Streaming replication with 3 nodes, as in the "Pgpool-II + Watchdog Setup Example"
backend_clustering_mode = 'streaming_replication'

#------------------------------------------------------------------------------
# CONNECTIONS
#------------------------------------------------------------------------------
listen_addresses = '*'
port = 9999
socket_dir = '/var/run/postgresql'
pcp_listen_addresses = '*'
pcp_port = 9898
pcp_socket_dir = '/var/run/postgresql'

# - Backend Connection Settings -
backend_hostname0 = 'server1'
backend_port0 = 5432
backend_weight0 = 1
backend_data_directory0 = '/var/lib/pgsql/15/data'
backend_flag0 = 'ALLOW_TO_FAILOVER'
backend_application_name0 = 'server1'

backend_hostname1 = 'server2'
backend_port1 = 5432
backend_weight1 = 1
backend_data_directory1 = '/var/lib/pgsql/15/data'
backend_flag1 = 'ALLOW_TO_FAILOVER'
backend_application_name1 = 'server2'

backend_hostname2 = 'server3'
backend_port2 = 5432
backend_weight2 = 1
backend_data_directory2 = '/var/lib/pgsql/15/data'
backend_flag2 = 'ALLOW_TO_FAILOVER'
backend_application_name2 = 'server3'

# - Authentication -
enable_pool_hba = on
pool_passwd = 'pool_passwd'

#------------------------------------------------------------------------------
# POOLS
#------------------------------------------------------------------------------
num_init_children = 32
max_pool = 4
child_life_time = 5min
child_max_connections = 0
connection_life_time = 0
client_idle_limit = 0

#------------------------------------------------------------------------------
# LOGS
#------------------------------------------------------------------------------
log_destination = 'stderr'
log_line_prefix = '%m: %a pid %p: '
log_connections = on
log_disconnections = off
log_hostname = on
log_statement = off
log_per_node_statement = off
logging_collector = on
log_directory = '/var/log/pgpool_log'
log_filename = 'pgpool-%Y-%m-%d_%H%M%S.log'
log_truncate_on_rotation = on
log_rotation_age = 1d
log_rotation_size = 10MB

#------------------------------------------------------------------------------
# STREAMING REPLICATION MODE
#------------------------------------------------------------------------------
sr_check_period = 10
sr_check_user = 'pgpool'
sr_check_password = ''
sr_check_database = 'postgres'
delay_threshold = 10000000
follow_primary_command = '/etc/pgpool-II/follow_primary.sh %d %h %p %D %m %H %M %P %r %R'

#------------------------------------------------------------------------------
# HEALTH CHECK GLOBAL PARAMETERS
#------------------------------------------------------------------------------
health_check_period = 5
health_check_timeout = 30
health_check_user = 'pgpool'
health_check_password = ''
health_check_max_retries = 3

#------------------------------------------------------------------------------
# FAILOVER AND FAILBACK
#------------------------------------------------------------------------------
failover_command = '/etc/pgpool-II/failover.sh %d %h %p %D %m %H %M %P %r %R %N %S'
failback_command = ''
failover_on_backend_error = on
search_primary_node_timeout = 5min

#------------------------------------------------------------------------------
# ONLINE RECOVERY
#------------------------------------------------------------------------------
recovery_user = 'postgres'
recovery_password = ''
recovery_1st_stage_command = 'recovery_1st_stage'
recovery_2nd_stage_command = ''
recovery_timeout = 90
client_idle_limit_in_recovery = 0
auto_failback = off

#------------------------------------------------------------------------------
# LOAD BALANCING MODE
#------------------------------------------------------------------------------
load_balance_mode = on
ignore_leading_white_space = on
read_only_function_list = ''
write_function_list = ''
primary_routing_query_pattern_list = ''
database_redirect_preference_list = ''
app_name_redirect_preference_list = ''
allow_sql_comments = off
disable_load_balance_on_write = 'transaction'
statement_level_load_balance = off
`,
      "pool_hba.conf": `# TYPE  DATABASE        USER            CIDR-ADDRESS          METHOD

# "local" is for Unix domain socket connections only
local   all         all                               trust
# IPv4 local connections:
host    all         all         127.0.0.1/32          trust
host    all         all         ::1/128               trust
host    all         pgpool      0.0.0.0/0             scram-sha-256
host    all         postgres    0.0.0.0/0             scram-sha-256
host    all         all         192.168.137.0/24      scram-sha-256
`,
    },
  },
  {
    id: 'c02', name: "4.4+ streaming replication: unix_socket_directories, dynamic process management",
    pgpool: "4.4",
    files: {
      "pgpool.conf": `# Pgpool-II 4.4+ streaming replication, two nodes, using the new socket parameter
backend_clustering_mode = 'streaming_replication'
listen_addresses = '*'
port = 9999
unix_socket_directories = '/var/run/postgresql,/tmp'
unix_socket_permissions = 0777
pcp_listen_addresses = 'localhost'
pcp_socket_dir = '/tmp'

backend_hostname0 = '10.0.0.11'
backend_port0 = 5432
backend_weight0 = 1
backend_data_directory0 = '/var/lib/postgresql/15/main'
backend_flag0 = 'ALLOW_TO_FAILOVER'

backend_hostname1 = '10.0.0.12'
backend_port1 = 5432
backend_weight1 = 1
backend_data_directory1 = '/var/lib/postgresql/15/main'
backend_flag1 = 'ALLOW_TO_FAILOVER'

process_management_mode = dynamic
process_management_strategy = gentle
min_spare_children = 5
max_spare_children = 10
num_init_children = 100
max_pool = 2

sr_check_period = 10
sr_check_user = 'pgpool'
delay_threshold_by_time = 1
prefer_lower_delay_standby = on

health_check_period = 10
health_check_timeout = 20
health_check_user = 'pgpool'
health_check_max_retries = 3
health_check_retry_delay = 1
connect_timeout = 10000

failover_command = '/etc/pgpool2/failover.sh %d %h %p %D %m %H %M %P %r %R %N %S'
failover_on_backend_shutdown = on
detach_false_primary = off

load_balance_mode = on
statement_level_load_balance = on
disable_load_balance_on_write = 'dml_adaptive'
dml_adaptive_object_relationship_list = 'table_1:table_2'

log_min_messages = warning
log_error_verbosity = default
client_min_messages = notice
`,
    },
  },
  {
    id: 'c03', name: "In-memory query cache in shared memory, ALWAYS_PRIMARY flags",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `# In-memory query cache with shared memory
backend_clustering_mode = 'streaming_replication'
backend_hostname0 = 'primary.db.internal'
backend_port0 = 5432
backend_weight0 = 0
backend_flag0 = 'ALWAYS_PRIMARY|DISALLOW_TO_FAILOVER'
backend_hostname1 = 'replica.db.internal'
backend_port1 = 5432
backend_weight1 = 1
backend_flag1 = 'DISALLOW_TO_FAILOVER'

memory_cache_enabled = on
memqcache_method = 'shmem'
memqcache_total_size = 64MB
memqcache_max_num_cache = 1000000
memqcache_expire = 0
memqcache_auto_cache_invalidation = on
memqcache_maxcache = 400kB
memqcache_cache_block_size = 1MB
memqcache_oiddir = '/var/log/pgpool/oiddir'
cache_safe_memqcache_table_list = ''
cache_unsafe_memqcache_table_list = ''

relcache_expire = 0
relcache_size = 256
check_temp_table = catalog
check_unlogged_table = on
enable_shared_relcache = on
relcache_query_target = primary
`,
    },
  },
  {
    id: 'c04', name: "Native replication with online recovery and memcached",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `# memcached based query cache, native replication mode (4.3 era config)
backend_clustering_mode = 'native_replication'
replication_stop_on_mismatch = off
failover_if_affected_tuples_mismatch = off
replicate_select = off
insert_lock = on
lobj_lock_table = ''
failover_when_quorum_exists = off

backend_hostname0 = 'pg-a'
backend_port0 = 5432
backend_weight0 = 1
backend_data_directory0 = '/data/pg'
backend_hostname1 = 'pg-b'
backend_port1 = 5432
backend_weight1 = 1
backend_data_directory1 = '/data/pg'

recovery_user = 'postgres'
recovery_password = ''
recovery_1st_stage_command = 'replication_mode_recovery_1st_stage'
recovery_2nd_stage_command = 'replication_mode_recovery_2nd_stage'
recovery_timeout = 90

memory_cache_enabled = on
memqcache_method = 'memcached'
memqcache_memcached_host = 'localhost'
memqcache_memcached_port = 11211
memqcache_expire = 60
`,
    },
  },
  {
    id: 'c05', name: "Watchdog with heartbeat and a virtual IP (3 pgpool nodes)",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `# Watchdog, 3 pgpool nodes, heartbeat lifecheck, virtual IP
backend_clustering_mode = 'streaming_replication'
listen_addresses = '*'
port = 9999
backend_hostname0 = 'server1'
backend_port0 = 5432
backend_weight0 = 1
backend_data_directory0 = '/var/lib/pgsql/15/data'
backend_flag0 = 'ALLOW_TO_FAILOVER'
backend_hostname1 = 'server2'
backend_port1 = 5432
backend_weight1 = 1
backend_data_directory1 = '/var/lib/pgsql/15/data'
backend_flag1 = 'ALLOW_TO_FAILOVER'

use_watchdog = on
hostname0 = 'server1'
wd_port0 = 9000
pgpool_port0 = 9999
hostname1 = 'server2'
wd_port1 = 9000
pgpool_port1 = 9999
hostname2 = 'server3'
wd_port2 = 9000
pgpool_port2 = 9999

wd_ipc_socket_dir = '/var/run/postgresql'
delegate_IP = '192.168.137.150'
if_cmd_path = '/sbin'
if_up_cmd = '/usr/bin/sudo /sbin/ip addr add $_IP_$/24 dev enp0s8 label enp0s8:0'
if_down_cmd = '/usr/bin/sudo /sbin/ip addr del $_IP_$/24 dev enp0s8'
arping_path = '/usr/sbin'
arping_cmd = '/usr/bin/sudo /usr/sbin/arping -U $_IP_$ -w 1 -I enp0s8'
wd_escalation_command = '/etc/pgpool-II/escalation.sh'
wd_de_escalation_command = ''
failover_when_quorum_exists = on
failover_require_consensus = on
allow_multiple_failover_requests_from_node = off
enable_consensus_with_half_votes = on
wd_remove_shutdown_nodes = off
wd_lost_node_removal_timeout = 0s
wd_no_show_node_removal_timeout = 0s
wd_priority = 1
wd_authkey = ''

wd_lifecheck_method = 'heartbeat'
wd_interval = 10
heartbeat_hostname0 = 'server1'
heartbeat_port0 = 9694
heartbeat_device0 = ''
heartbeat_hostname1 = 'server2'
heartbeat_port1 = 9694
heartbeat_device1 = ''
heartbeat_hostname2 = 'server3'
heartbeat_port2 = 9694
heartbeat_device2 = ''
wd_heartbeat_keepalive = 2
wd_heartbeat_deadtime = 30
wd_monitoring_interfaces_list = ''
trusted_servers = ''
ping_path = '/bin'
`,
      "pgpool_node_id": `0
`,
    },
  },
  {
    id: 'c06', name: "TLS for clients and backends, pool_hba with cert and hostnossl reject",
    pgpool: "4.3",
    checkFiles: false, // the certificate and key files are not part of the test
    // the sample default `+3DES` admits 3DES suites on OpenSSL 1.1.1 builds
    // and (new rules) `local all all trust` in pool_hba.conf
    warnings: ["pgpool-conf/ssl-ciphers-weak@26", "pool-hba/local-trust@2"],
    files: {
      "pgpool.conf": `# TLS between clients and pgpool, and pgpool and the backends
listen_addresses = '*'
port = 9999
socket_dir = '/tmp'
backend_clustering_mode = 'streaming_replication'
backend_hostname0 = 'db1.example.com'
backend_port0 = 5432
backend_weight0 = 1
backend_flag0 = 'ALLOW_TO_FAILOVER'
backend_hostname1 = 'db2.example.com'
backend_port1 = 5432
backend_weight1 = 1

enable_pool_hba = on
pool_passwd = 'pool_passwd'
authentication_timeout = 1min
allow_clear_text_frontend_auth = off

# - SSL Connections -
ssl = on
ssl_key = 'server.key'
ssl_cert = 'server.crt'
ssl_ca_cert = 'root.crt'
#ssl_ca_cert_dir = ''
#ssl_crl_file = ''
ssl_ciphers = 'HIGH:MEDIUM:+3DES:!aNULL'
ssl_prefer_server_ciphers = off
ssl_ecdh_curve = 'prime256v1'
ssl_dh_params_file = ''
ssl_passphrase_command = ''
`,
      "pool_hba.conf": `# TLS only from the network; certificate auth for the app, SCRAM for humans
local     all   postgres                     trust
hostssl   all   app          10.0.0.0/8      cert
hostssl   all   all          10.0.0.0/8      scram-sha-256
hostnossl all   all          0.0.0.0/0       reject
hostnossl all   all          ::/0            reject
`,
    },
  },
  {
    id: 'c07', name: "Bitnami-style container config: every value quoted",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `# Bitnami-style: every value quoted, as written by the container's setup script
listen_addresses = '*'
port = '5432'
socket_dir = '/opt/bitnami/pgpool/tmp'
pcp_socket_dir = '/opt/bitnami/pgpool/tmp'
pcp_listen_addresses = '*'
pcp_port = '9898'
enable_pool_hba = 'on'
pool_passwd = '/opt/bitnami/pgpool/conf/pool_passwd'
authentication_timeout = '30'
num_init_children = '32'
max_pool = '15'
child_max_connections = '0'
child_life_time = '300'
client_idle_limit = '0'
connection_life_time = '0'
load_balance_mode = 'off'
backend_clustering_mode = 'streaming_replication'
sr_check_user = 'repmgr'
sr_check_password = 'secret'
sr_check_database = 'postgres'
sr_check_period = '30'
health_check_period = '30'
health_check_timeout = '10'
health_check_user = 'repmgr'
health_check_password = 'secret'
health_check_max_retries = '5'
health_check_retry_delay = '5'
failover_on_backend_error = 'off'
failover_command = 'echo ">>> Failover - that will initialize new primary node search!"'
failover_when_quorum_exists = 'off'
log_connections = 'off'
log_hostname = 'on'
log_per_node_statement = 'off'
log_line_prefix = '%t: pid %p: '
pid_file_name = '/opt/bitnami/pgpool/tmp/pgpool.pid'
logdir = '/opt/bitnami/pgpool/logs'
backend_hostname0 = 'postgresql-ha-postgresql-0.postgresql-ha-postgresql-headless'
backend_port0 = 5432
backend_weight0 = 1
backend_data_directory0 = '/bitnami/postgresql/data'
backend_flag0 = 'ALLOW_TO_FAILOVER'
backend_hostname1 = 'postgresql-ha-postgresql-1.postgresql-ha-postgresql-headless'
backend_port1 = 5432
backend_weight1 = 1
backend_data_directory1 = '/bitnami/postgresql/data'
backend_flag1 = 'ALLOW_TO_FAILOVER'
`,
    },
  },
  {
    id: 'c08', name: "pgpool2_on_k8s ConfigMap",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `# pgpool2_on_k8s style ConfigMap
listen_addresses = '*'
port = 9999
socket_dir = '/var/run/pgpool'
pcp_listen_addresses = '*'
pcp_port = 9898
pcp_socket_dir = '/var/run/pgpool'
backend_hostname0 = 'postgres-sv'
backend_port0 = 5432
backend_weight0 = 1
backend_flag0 = 'ALWAYS_PRIMARY|DISALLOW_TO_FAILOVER'
backend_hostname1 = 'postgres-replica-sv'
backend_port1 = 5432
backend_weight1 = 1
backend_flag1 = 'DISALLOW_TO_FAILOVER'
sr_check_period = 0
health_check_period = 0
backend_clustering_mode = 'streaming_replication'
num_init_children = 32
max_pool = 4
child_life_time = 300
child_max_connections = 0
connection_life_time = 0
client_idle_limit = 0
connection_cache = on
load_balance_mode = on
enable_pool_hba = on
failover_on_backend_error = off
log_min_messages = warning
`,
    },
  },
  {
    id: 'c09', name: "Per-node health check overrides, units per node, syslog",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `# Per-node health check overrides and syslog
backend_clustering_mode = streaming_replication
backend_hostname0 = 'pg1'
backend_port0 = 5432
backend_hostname1 = 'pg2'
backend_port1 = 5433
backend_hostname2 = '/var/run/postgresql'
backend_port2 = 5434
backend_weight2 = 0.5

health_check_period = 10
health_check_timeout = 20
health_check_user = 'nobody'
health_check_database = ''
health_check_max_retries = 0
health_check_retry_delay = 1
connect_timeout = 10000

health_check_period0 = 5
health_check_timeout0 = 10
health_check_user0 = 'pgpool'
health_check_password0 = 'md5ac4ab3b8b1a0c2d5e3f8a9bc0d1e2f34'
health_check_period1 = '15s'
health_check_retry_delay1 = 2
connect_timeout1 = '5s'
health_check_period2 = 0

log_destination = 'stderr,syslog'
syslog_facility = 'LOCAL0'
syslog_ident = 'pgpool'
log_min_messages = info
log_client_messages = off
log_standby_delay = 'if_over_threshold'
`,
    },
  },
  {
    id: 'c10', name: "Load balancing: redirect preference lists, function lists, reset_query_list",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `# Load balancing: redirect preferences and function lists
backend_clustering_mode = 'streaming_replication'
backend_hostname0 = 'primary'
backend_port0 = 5432
backend_weight0 = 0
backend_hostname1 = 'standby1'
backend_port1 = 5432
backend_weight1 = 1
backend_hostname2 = 'standby2'
backend_port2 = 5432
backend_weight2 = 2

load_balance_mode = on
ignore_leading_white_space = on
database_redirect_preference_list = 'postgres:primary,mydb[0-4]:1,mydb5:0,test.*:standby(0.5)'
app_name_redirect_preference_list = 'psql:primary,myapp1:1,myapp2:standby'
write_function_list = 'nextval,setval,lastval,currval'
read_only_function_list = ''
primary_routing_query_pattern_list = '.*DO NOTHING.*;.*DO UPDATE.*'
allow_sql_comments = on
disable_load_balance_on_write = 'transaction'
statement_level_load_balance = on
reset_query_list = 'ABORT; DISCARD ALL'
`,
    },
  },
  {
    id: 'c11', name: "Hand-edited: tabs, key=value, trailing comments, TRUE/yes/no",
    pgpool: "4.3",
    // `master_slave_mode` (pre-4.2) is silently ignored by 4.3
    warnings: ["pgpool-conf/unknown-parameter@17"],
    files: {
      "pgpool.conf": `# Hand-edited: tabs, no blanks around =, trailing comments
listen_addresses	= 'localhost'	# what interface to listen on
port=9999
socket_dir		= '/tmp'			# Unix domain socket path
backend_hostname0	= 'localhost'	# Host name or IP address
backend_port0		= 5432			# Port number
backend_weight0		= 1			# Weight for load balancing
backend_data_directory0	= '/var/lib/postgresql/15/main'
num_init_children	= 10
max_pool			= 4
load_balance_mode	= off
log_statement		= true
log_connections		= yes
log_hostname		= no
connection_cache	= TRUE
replication_mode = off
master_slave_mode = on

`,
    },
  },
  {
    id: 'c12', name: "Windows line endings (CRLF)",
    pgpool: "4.3",
    crlf: true,
    files: {
      "pgpool.conf": `listen_addresses = '*'
port = 9999
socket_dir = '/tmp'
# Windows-edited file
backend_hostname0 = '10.1.1.5'
backend_port0 = 5432
backend_weight0 = 1
enable_pool_hba = on
log_line_prefix = '%t: pid %p: '   # with a comment
`,
    },
  },
  {
    id: 'c13', name: "Split configuration with include (with and without =)",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `# Split configuration with include
include = 'backends.conf'
listen_addresses = '*'
port = 9999
socket_dir = '/tmp'
include 'pool.conf'
`,
      "backends.conf": `backend_hostname0 = 'a'
backend_port0 = 5432
backend_hostname1 = 'b'
backend_port1 = 5432
`,
      "pool.conf": `num_init_children = 64
max_pool = 2
`,
    },
  },
  {
    id: 'c14', name: "Raw mode, single backend, Debian paths",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `# raw mode, single backend, simple connection pooler
backend_clustering_mode = 'raw'
listen_addresses = '0.0.0.0'
port = 6432
socket_dir = '/var/run/postgresql'
pcp_socket_dir = '/var/run/postgresql'
wd_ipc_socket_dir = '/var/run/postgresql'
pid_file_name = '/var/run/postgresql/pgpool.pid'
logdir = '/var/log/postgresql'
backend_hostname0 = '127.0.0.1'
backend_port0 = 5432
backend_weight0 = 1
backend_flag0 = 'DISALLOW_TO_FAILOVER'
num_init_children = 200
max_pool = 1
reserved_connections = 1
listen_backlog_multiplier = 2
serialize_accept = off
connection_cache = on
reset_query_list = 'ABORT; DISCARD ALL'
load_balance_mode = off
`,
    },
  },
  {
    id: 'c15', name: "Logical replication mode",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `# logical replication / snapshot isolation samples
backend_clustering_mode = 'logical_replication'
backend_hostname0 = 'pub'
backend_port0 = 5432
backend_hostname1 = 'sub'
backend_port1 = 5432
load_balance_mode = on
`,
    },
  },
  {
    id: 'c16', name: "Snapshot isolation mode with online recovery",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `backend_clustering_mode = 'snapshot_isolation'
backend_hostname0 = 'n1'
backend_port0 = 5432
backend_data_directory0 = '/data'
backend_hostname1 = 'n2'
backend_port1 = 5432
backend_data_directory1 = '/data'
insert_lock = off
`,
    },
  },
  {
    id: 'c17', name: "AWS: watchdog without VIP, query lifecheck, $HOME in commands",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `# AWS example: watchdog without VIP, escalation script moves an Elastic IP
backend_clustering_mode = 'streaming_replication'
backend_hostname0 = 'ip-10-0-1-10.ec2.internal'
backend_port0 = 5432
use_watchdog = on
delegate_IP = ''
wd_escalation_command = '$HOME/bin/aws-escalation.sh'
wd_de_escalation_command = '$HOME/bin/aws-de-escalation.sh'
hostname0 = 'ip-10-0-1-20.ec2.internal'
wd_port0 = 9000
pgpool_port0 = 9999
hostname1 = 'ip-10-0-2-20.ec2.internal'
wd_port1 = 9000
pgpool_port1 = 9999
wd_lifecheck_method = 'query'
wd_lifecheck_query = 'SELECT 1'
wd_lifecheck_dbname = 'template1'
wd_lifecheck_user = 'nobody'
wd_lifecheck_password = ''
wd_life_point = 3
`,
      "pgpool_node_id": `1
`,
    },
  },
  {
    id: 'c18', name: "4.5: user_redirect_preference_list, pcp_socket_dir list",
    pgpool: "4.5",
    files: {
      "pgpool.conf": `# Pgpool-II 4.5: user redirect and pcp socket list
backend_clustering_mode = 'streaming_replication'
unix_socket_directories = '/tmp'
pcp_socket_dir = '/tmp,/var/run/postgresql'
backend_hostname0 = 'primary'
backend_port0 = 5432
backend_hostname1 = 'replica'
backend_port1 = 5432
user_redirect_preference_list = 'postgres:primary,app_ro:standby,report.*:1(0.8)'
log_pcp_processes = off
delegate_ip = ''
`,
    },
  },
  {
    id: 'c19', name: "4.6: log_backend_messages, octal modes, unix_socket_group",
    pgpool: "4.6",
    files: {
      "pgpool.conf": `# Pgpool-II 4.6: log_backend_messages
backend_clustering_mode = 'streaming_replication'
unix_socket_directories = '/var/run/postgresql'
unix_socket_group = 'postgres'
unix_socket_permissions = 0770
backend_hostname0 = 'primary'
backend_port0 = 5432
log_backend_messages = terse
notice_per_node_statement = off
trusted_server_command = 'ping -q -c3 %h'
log_file_mode = 0600
`,
    },
  },
  {
    id: 'c20', name: "Units inside and outside quotes, hex port",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `# Units in quotes, hex and octal
backend_hostname0 = 'db'
backend_port0 = 0x1538
child_life_time = '5 min'
client_idle_limit = '30s'
connection_life_time = '1h'
authentication_timeout = '1min'
memqcache_total_size = '128MB'
memqcache_maxcache = '512kB'
search_primary_node_timeout = '2min'
log_rotation_age = '1d'
log_rotation_size = '100MB'
recovery_timeout = '90s'
memqcache_expire = 0
relcache_expire = 3600
`,
    },
  },
  {
    id: 'c21', name: "4.7: watchdog listen addresses, work_dir, recovery_database",
    pgpool: "4.7",
    files: {
      "pgpool.conf": `# Pgpool-II 4.7: watchdog behind NAT with explicit listen addresses, work_dir
backend_clustering_mode = 'streaming_replication'
listen_addresses = '*'
unix_socket_directories = '/var/run/pgpool'
backend_hostname0 = 'pg-primary'
backend_port0 = 5432
backend_data_directory0 = '/var/lib/postgresql/17/main'
backend_hostname1 = 'pg-replica'
backend_port1 = 5432
backend_data_directory1 = '/var/lib/postgresql/17/main'
work_dir = '/var/lib/pgpool'
recovery_user = 'postgres'
recovery_database = 'postgres'
recovery_1st_stage_command = 'recovery_1st_stage'
use_watchdog = on
hostname0 = 'pgpool-a.example.com'
wd_port0 = 9000
pgpool_port0 = 9999
hostname1 = 'pgpool-b.example.com'
wd_port1 = 9000
pgpool_port1 = 9999
hostname2 = 'pgpool-c.example.com'
wd_port2 = 9000
pgpool_port2 = 9999
wd_listen_address = '0.0.0.0'
wd_listen_port = 9000
heartbeat_hostname0 = 'pgpool-a.example.com'
heartbeat_port0 = 9694
heartbeat_hostname1 = 'pgpool-b.example.com'
heartbeat_port1 = 9694
heartbeat_hostname2 = 'pgpool-c.example.com'
heartbeat_port2 = 9694
wd_heartbeat_listen_addresses = '*'
wd_heartbeat_listen_port = 9694
log_pcp_processes = off
log_backend_messages = verbose
`,
      "pgpool_node_id": `2
`,
    },
  },
  {
    id: 'h01', name: "pool_hba: LDAP search+bind, simple bind, ldapurl, ldaps",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `enable_pool_hba = on
listen_addresses = '*'
`,
      "pool_hba.conf": `# LDAP authentication against Active Directory
local   all   all                          md5
host    all   all     127.0.0.1/32         md5
host    all   all     10.20.0.0 255.255.0.0   ldap ldapserver=ad.example.com ldapport=389 ldapbasedn="dc=example,dc=com" ldapbinddn="cn=pgpool,ou=svc,dc=example,dc=com" ldapbindpasswd=secret ldapsearchattribute=sAMAccountName
host    all   all     172.16.0.0/12        ldap ldapserver=ldap.example.com ldapprefix="cn=" ldapsuffix=", ou=people, dc=example, dc=net" backend_use_passwd=1
host    all   all     192.168.0.0/16       ldap ldapurl="ldap://ldap.example.net/dc=example,dc=net?uid?sub" ldaptls=1
host    all   all     0.0.0.0/0            ldap ldapserver=ldap.example.com ldapscheme=ldaps ldapbasedn="ou=people,dc=example,dc=com" ldapsearchfilter="(&(uid=$username)(memberOf=cn=db,ou=groups,dc=example,dc=com))"
`,
    },
  },
  {
    id: 'h02', name: "pool_hba: PAM",
    pgpool: "4.3",
    files: {
      "pgpool.conf": `enable_pool_hba = on
`,
      "pool_hba.conf": `# PAM
local   all   all                     pam pamservice=pgpool
host    all   all   0.0.0.0/0         pam pamservice=pgpool pam_use_hostname=1
host    all   all   ::0/0             pam
`,
    },
  },
  {
    id: 'h03', name: "pool_hba: lists, quoted names, @file, host names, netmask, IPv6",
    pgpool: "4.3",
    checkFiles: false, // the certificate and key files are not part of the test
    files: {
      "pgpool.conf": `enable_pool_hba = on
ssl = on
ssl_cert = 'server.crt'
ssl_key = 'server.key'
ssl_ca_cert = 'root.crt'
`,
      "pool_hba.conf": `# Mixed: db lists, user lists, @files, quoted names, host names
local    all                  all                                  scram-sha-256
host     sameuser             all          samenet                 scram-sha-256
host     db1,db2, db3         alice,bob    192.168.1.0/24          scram-sha-256
hostssl  "Sales DB"           "Mixed Case" 10.1.2.3/32             scram-sha-256
hostssl  all                  @admins      .corp.example.com       cert
hostssl  all                  all          app1.example.com        scram-sha-256
hostssl  all                  all          fe80::/10               scram-sha-256
host     all                  all          samehost                trust
host     all                  all          192.168.1.10 255.255.255.255 scram-sha-256
hostssl  all                  all          all                     scram-sha-256
`,
      "admins": `root
superadmin
`,
    },
  },
  {
    id: 'h04', name: "pool_hba: examples in the style of the Pgpool-II manual",
    pgpool: "4.3",
    checkFiles: false, // the certificate and key files are not part of the test
    // a collection of examples: later lines that earlier ones already match, and the cert line before the password line
    warnings: ["pool-hba/local-trust@2", "pool-hba/unreachable-line@5", "pool-hba/cert-line-order@6", "pool-hba/unreachable-line@7", "pool-hba/unreachable-line@10", "pool-hba/unreachable-line@11", "pool-hba/unreachable-line@12"],
    files: {
      "pgpool.conf": `enable_pool_hba = on
ssl = on
ssl_cert = 'server.crt'
ssl_key = 'server.key'
ssl_ca_cert = 'root.crt'
pool_passwd = 'pool_passwd'
`,
      "pool_hba.conf": `# Examples in the style of the Pgpool-II manual (auth-pool-hba-conf, auth-methods)
local   all         all                               trust
host    all         all         127.0.0.1/32          trust
host    all         all         ::1/128               trust
host    all         all         127.0.0.1 255.255.255.255  scram-sha-256
hostssl all         all         0.0.0.0/0             cert
hostssl all         all         0.0.0.0/0             scram-sha-256
hostnossl all       all         0.0.0.0/0             reject
host    all         all         0.0.0.0/0             pam pamservice=pgpool
host    all         all         0.0.0.0/0             ldap ldapserver=ldap.example.net ldapbasedn="dc=example, dc=net" ldapsearchfilter="(|(uid=$username)(mail=$username))"
host    all         all         0.0.0.0/0             ldap ldapserver=ldap.example.net ldapprefix="cn=" ldapsuffix=", dc=example, dc=net" backend_use_passwd=1
host    "my db"     "Alice"     192.168.0.0/16        md5
host    template1   all         samehost              password
`,
    },
  },
  {
    id: 'p01', name: "pg_hba: Debian/Ubuntu default",
    postgres: 15,
    files: {
      "pg_hba.conf": `# Debian/Ubuntu default pg_hba.conf (PostgreSQL 15)
# DO NOT DISABLE!
# If you change this first entry you will need to make sure that the
# database superuser can access the database using some other method.
# Noninteractive access to all databases is required during automatic
# maintenance (custom daily cronjobs, replication, and similar tasks).
#
# Database administrative login by Unix domain socket
local   all             postgres                                peer

# TYPE  DATABASE        USER            ADDRESS                 METHOD

# "local" is for Unix domain socket connections only
local   all             all                                     peer
# IPv4 local connections:
host    all             all             127.0.0.1/32            scram-sha-256
# IPv6 local connections:
host    all             all             ::1/128                 scram-sha-256
# Allow replication connections from localhost, by a user with the
# replication privilege.
local   replication     all                                     peer
host    replication     all             127.0.0.1/32            scram-sha-256
host    replication     all             ::1/128                 scram-sha-256
`,
    },
  },
  {
    id: 'p02', name: "pg_hba: initdb/RHEL default with trust",
    postgres: 15,
    // initdb's trust for the socket
    warnings: ["pg-hba/local-trust@2", "pg-hba/local-trust@5"],
    files: {
      "pg_hba.conf": `# initdb default (RHEL packages): trust for local
local   all             all                                     trust
host    all             all             127.0.0.1/32            trust
host    all             all             ::1/128                 trust
local   replication     all                                     trust
host    replication     all             127.0.0.1/32            trust
host    replication     all             ::1/128                 trust
`,
    },
  },
  {
    id: 'p03', name: "pg_hba: Bitnami PostgreSQL Helm chart default",
    postgres: 15,
    // `all all` from 0.0.0.0/0 and ::/0 with md5
    // and (new rules) the loopback lines come after 0.0.0.0/0 and ::/0, which already match them
    warnings: ["pg-hba/wide-open@2", "pg-hba/wide-open@3", "pg-hba/unreachable-line@5", "pg-hba/unreachable-line@6"],
    files: {
      "pg_hba.conf": `# Bitnami PostgreSQL Helm chart (pgHbaConfiguration default)
host     all             all             0.0.0.0/0               md5
host     all             all             ::/0                    md5
local    all             all                                     md5
host     all             all        127.0.0.1/32                 md5
host     all             all        ::1/128                      md5
`,
    },
  },
  {
    id: 'p04', name: "pg_hba: Patroni generated",
    postgres: 15,
    // `all all` from 0.0.0.0/0 with md5
    // and (new rules) `local all all trust`
    warnings: ["pg-hba/wide-open@5", "pg-hba/local-trust@2"],
    files: {
      "pg_hba.conf": `# Patroni generated (postgresql.pg_hba in patroni.yml)
local   all             all                                     trust
host    replication     replicator      127.0.0.1/32            md5
host    replication     replicator      10.0.0.0/8              md5
host    all             all             0.0.0.0/0               md5
`,
    },
  },
  {
    id: 'p05', name: "pg_hba: CloudNativePG-like generated rules",
    postgres: 15,
    files: {
      "pg_hba.conf": `# CloudNativePG-like generated rules
local all all peer map=local

# Require client certificate authentication for the streaming_replica user
hostssl postgres streaming_replica all cert
hostssl replication streaming_replica all cert
hostssl all cnpg_pooler_pgbouncer all cert

host all all all scram-sha-256
`,
    },
  },
  {
    id: 'p06', name: "pg_hba: Zalando Spilo / postgres-operator",
    postgres: 15,
    // `all all` from anywhere with md5 (over TLS, still weak hashes)
    // and (new rules) `local ... trust` lines
    warnings: ["pg-hba/wide-open@11", "pg-hba/local-trust@2", "pg-hba/local-trust@7"],
    files: {
      "pg_hba.conf": `# Zalando Spilo / postgres-operator style
local     all             all                             trust
hostssl   all             +zalandos    127.0.0.1/32       pam
host      all             all          127.0.0.1/32       md5
hostssl   all             +zalandos    ::1/128            pam
host      all             all          ::1/128            md5
local     replication     standby                         trust
hostssl   replication     standby      all                md5
hostnossl all             all          all                reject
hostssl   all             +zalandos    all                pam
hostssl   all             all          all                md5
`,
    },
  },
  {
    id: 'p07', name: "pg_hba: hardened (clientcert, map, clientname, ldap, gss, radius)",
    postgres: 15,
    // 10.0.0.0/8 with clientcert=verify-ca comes first and already matches the 10.x subnets below it
    warnings: ["pg-hba/cert-line-order@4", "pg-hba/unreachable-line@5", "pg-hba/unreachable-line@6", "pg-hba/unreachable-line@7", "pg-hba/unreachable-line@10"],
    files: {
      "pg_hba.conf": `# Hardened: TLS everywhere, client certs, LDAP, GSSAPI
local   all         postgres                            peer
local   all         all                                 peer map=localmap
hostssl all         all          10.0.0.0/8             scram-sha-256 clientcert=verify-ca
hostssl all         appuser      10.1.0.0/16            cert clientcert=verify-full
hostssl all         certusers    10.2.0.0/16            cert map=certmap clientname=DN
hostssl all         ldapusers    10.3.0.0/16            ldap ldapserver="ldap1.example.com ldap2.example.com" ldapbasedn="dc=example,dc=com" ldapsearchattribute=uid ldapscheme=ldaps
hostgssenc all      all          10.4.0.0/16            gss include_realm=0 krb_realm=EXAMPLE.COM
host    all         all          192.168.0.0 255.255.0.0  scram-sha-256
hostssl all         radiususers  10.5.0.0/16            radius radiusservers="r1.example.com,r2.example.com" radiussecrets="s1,s2" radiusports=1812
host    all         all          all                    reject
`,
    },
  },
  {
    id: 'p08', name: "pg_hba: PostgreSQL 16 include directives and regular expressions",
    postgres: 16,
    files: {
      "pg_hba.conf": `# PostgreSQL 16 features
include_dir conf.d
include_if_exists extra.conf
local   all     all                       peer
host    /^db\\d+$   /^app_.*$   10.0.0.0/8  scram-sha-256
host    all     all     .example.com      scram-sha-256
host    all     all     samenet           scram-sha-256
`,
      "conf.d/a.conf": `local all all peer
`,
    },
  },
  {
    id: 'p09', name: "pg_hba: examples from the PostgreSQL manual",
    postgres: 15,
    // ldap and pam passwords on `host` lines may cross the network in clear text
    // and (new rules) the manual's examples are alternatives, not one file: read as one, many lines are hidden by earlier ones
    warnings: ["pg-hba/prefer-hostssl@18", "pg-hba/prefer-hostssl@19", "pg-hba/prefer-hostssl@20", "pg-hba/prefer-hostssl@23", "pg-hba/local-trust@2", "pg-hba/unreachable-line@4", "pg-hba/unreachable-line@13", "pg-hba/unreachable-line@15", "pg-hba/unreachable-line@17", "pg-hba/unreachable-line@19", "pg-hba/unreachable-line@20", "pg-hba/unreachable-line@21", "pg-hba/cert-line-order@22"],
    files: {
      "pg_hba.conf": `# Examples from the PostgreSQL manual (client-auth), PG 15 syntax
local   all             all                                     trust
host    all             all             127.0.0.1/32            trust
host    all             all             127.0.0.1       255.255.255.255     trust
host    postgres        all             192.168.93.0/24         ident
host    postgres        all             192.168.12.10/32        scram-sha-256
host    all             mike            .example.com            md5
host    all             all             .example.com            scram-sha-256
host    all             all             192.168.54.1/32         reject
hostgssenc all          all             0.0.0.0/0               gss
host    all             all             192.168.12.10/32        gss
host    all             all             192.168.0.0/16          ident map=omicron
local   sameuser        all                                     md5
local   all             @admins                                 md5
local   all             +support                                md5
local   db1,db2,@demodbs  all                                   md5
host    all             fred,+support   192.168.0.0/16          scram-sha-256
host    all             all             10.0.0.0/8              ldap ldapserver=ldap.example.net ldapbasedn="dc=example, dc=net" ldapsearchfilter="(|(uid=$username)(mail=$username))"
host    all             all             10.0.0.0/8              ldap ldapserver=ldap.example.net ldapprefix="cn=" ldapsuffix=", dc=example, dc=net"
host    all             all             10.0.0.0/8              ldap ldapurl="ldap://ldap.example.net/dc=example,dc=net?uid?sub"
local   all             all                                     peer map=admin
hostssl all             all             0.0.0.0/0               scram-sha-256 clientcert=verify-ca
host    all             all             0.0.0.0/0               pam pamservice=postgresql
`,
      "admins": `admin
`,
      "demodbs": `db3
`,
    },
  },
];

/** A service that sees exactly the case's files in DIR (folders included, for `include_dir`). */
function serviceFor(files: Record<string, string>) {
  const at = (p: string): string | undefined => (p.startsWith(`${DIR}/`) ? files[p.slice(DIR.length + 1)] : undefined);
  const isDir = (p: string): boolean => Object.keys(files).some(k => `${DIR}/${k}`.startsWith(`${p}/`));
  return testService({
    readText: at,
    stat: p => (at(p) !== undefined ? { isFile: true, mode: 0o644, uid: 0 } : isDir(p) ? { isFile: false, mode: 0o755, uid: 0 } : undefined),
  });
}

const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;
const describe = (text: string, ps: Problem[]): string[] => ps.map(p => `${p.rule}@${lineOf(text, p.span[0])}`);

test('at least 30 realistic configurations', () => {
  assert.ok(CASES.length >= 30, String(CASES.length));
  assert.equal(new Set(CASES.map(c => c.id)).size, CASES.length);
});

for (const c of CASES) {
  test(`${c.id}: ${c.name}`, () => {
    const files = Object.fromEntries(Object.entries(c.files).map(([k, v]) => [k, c.crlf ? v.replace(/\n/g, '\r\n') : v]));
    const service = serviceFor(files);
    const checked = Object.keys(files).filter(f => service.languageOf(f));
    assert.ok(checked.length > 0);
    const versions: { pgpoolVersion?: string; postgresVersion?: number }[] = c.pgpool
      ? PGPOOL_VERSIONS.slice(PGPOOL_VERSIONS.indexOf(c.pgpool)).map(v => ({ pgpoolVersion: v }))
      : POSTGRES_VERSIONS.filter(v => v >= c.postgres!).map(v => ({ postgresVersion: v }));
    const warnings: string[] = [];
    for (const v of versions) {
      for (const f of checked) {
        const ps = check(service, `${DIR}/${f}`, files[f]!, { checkFiles: c.checkFiles ?? true, ...v });
        const errors = ps.filter(p => p.severity === 'error');
        assert.deepEqual(errors.map(p => `${p.rule}@${lineOf(files[f]!, p.span[0])}: ${p.message}`), [], `${f} with ${JSON.stringify(v)}`);
        if (v === versions[0]) warnings.push(...describe(files[f]!, ps.filter(p => p.severity === 'warning')));
      }
    }
    assert.deepEqual(warnings.sort(), [...(c.warnings ?? [])].sort());
  });
}
