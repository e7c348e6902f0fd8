#!/usr/bin/env bash
# Start a one-node Slurm cluster (Debian slurm-wlm + munge) inside this container, for the sweep
# test that submits a real job array (test/sweep/slurm.test.ts). Idempotent: does nothing when a
# controller already answers. Recipe: ../shared/docs/stack-notes.md ("a real one-node Slurm cluster").
# Exit 0 once `sinfo` shows the node idle; exit 1 with one line saying why otherwise (the caller
# then skips the Slurm test with a warning). Needs root (CI and the dev containers run as root).
set -u
say() { echo "slurm-up: $*"; }
fail() { say "$*"; exit 1; }

if [ "$(id -u)" != 0 ]; then fail "not root: cannot install or start slurm"; fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  command -v apt-get >/dev/null || fail "no apt-get: cannot install slurm-wlm and munge"
  say "installing slurm-wlm and munge with apt"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null) ||
    fail "apt-get install slurm-wlm munge failed"
fi

host=$(hostname)
if scontrol ping 2>/dev/null | grep -q 'is UP'; then
  say "controller already up on $host"
else
  # munge: key, folders owned by munge, daemon started as munge
  if [ ! -s /etc/munge/munge.key ]; then
    if command -v mungekey >/dev/null; then mungekey --create >/dev/null 2>&1; else create-munge-key -f >/dev/null 2>&1; fi
  fi
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge
  chmod 0700 /etc/munge /var/log/munge /var/lib/munge
  chmod 0755 /run/munge
  chmod 0400 /etc/munge/munge.key
  if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    su -s /bin/sh munge -c /usr/sbin/munged || fail "munged did not start"
    for _ in $(seq 20); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.25; done
  fi
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1 || fail "munge does not answer (munge -n | unmunge)"

  cpus=$(nproc)
  mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
  cat >/etc/slurm/slurm.conf <<CONF
# written by thermodiff .ci/slurm-up.sh: a one-node cluster for tests
ClusterName=local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  # -c: start from a clean state (jobs of a previous container life are gone anyway)
  slurmctld -c || fail "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
  slurmd || fail "slurmd did not start (see /var/log/slurm/slurmd.log)"
fi

for _ in $(seq 60); do
  state=$(sinfo -h -n "$host" -o '%t' 2>/dev/null | head -1)
  case "$state" in
    idle|mix|alloc) say "node $host $state"; exit 0 ;;
    down*|drain*) scontrol update nodename="$host" state=resume >/dev/null 2>&1 ;;
  esac
  sleep 0.5
done
fail "node $host not idle after 30 s (state: ${state:-none}); see /var/log/slurm/"
