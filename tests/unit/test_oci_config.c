/* Unit tests for the OCI config.json parser: a full config lands in the
 * spec's fields, each bad input is refused with its exact JSON path, unknown
 * fields and nulls are ignored, malformed JSON is placed by line and column,
 * process.json replaces the process, and a bundle loads. No root needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "oci/config.h"
#include "oci_fixture.h"
#include "spec.h"

static const char full_config[] =
	"{'ociVersion':'1.2.0',"
	" 'process':{'terminal':true,'consoleSize':{'height':40,'width':120},"
	"  'user':{'uid':1000,'gid':100,'umask':18,'additionalGids':[5,6]},"
	"  'args':['/bin/sh','-c','echo hi'],'env':['PATH=/bin','TERM=xterm'],'cwd':'/work',"
	"  'capabilities':{'bounding':['CAP_KILL','CAP_NET_ADMIN'],'effective':['CAP_KILL'],"
	"   'permitted':['CAP_KILL','CAP_CHOWN'],'inheritable':[],'ambient':['CAP_KILL']},"
	"  'rlimits':[{'type':'RLIMIT_NOFILE','soft':512,'hard':1024},"
	"   {'type':'RLIMIT_CORE','soft':0,'hard':18446744073709551615}],"
	"  'noNewPrivileges':true,'oomScoreAdj':-500,'apparmorProfile':'alcove-default',"
	"  'selinuxLabel':'system_u:system_r:container_t:s0'},"
	" 'root':{'path':'rootfs','readonly':true},'hostname':'box','domainname':'lan',"
	" 'mounts':[{'destination':'/proc','type':'proc','source':'proc'},"
	"  {'destination':'/dev','type':'tmpfs','source':'tmpfs',"
	"   'options':['nosuid','strictatime','mode=755','size=65536k']},"
	"  {'destination':'/data','type':'bind','source':'/srv/data',"
	"   'options':['rbind','ro','rprivate','nodev','noexec','relatime']},"
	"  {'destination':'/tmp','type':'tmpfs','source':'tmpfs','options':['tmpcopyup','rw']}],"
	" 'hooks':{'prestart':[{'path':'/usr/bin/netns','args':['netns','up'],'env':['A=1'],"
	"   "
	"'timeout':5}],'createRuntime':[{'path':'/bin/cr'}],'createContainer':[{'path':'/bin/cc'}],"
	"  "
	"'startContainer':[{'path':'/bin/sc'}],'poststart':[{'path':'/bin/ps1'},{'path':'/bin/"
	"ps2'}],"
	"  'poststop':[{'path':'/bin/stop','timeout':30}]},"
	" 'annotations':{'org.example.key':'value','b':'2'},"
	" 'linux':{'namespaces':[{'type':'pid'},{'type':'mount'},{'type':'ipc'},{'type':'uts'},"
	"   {'type':'user'},{'type':'cgroup'},{'type':'time'},"
	"   {'type':'network','path':'/var/run/netns/blue'}],"
	"  'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
	"  'gidMappings':[{'containerID':0,'hostID':200000,'size':1000},"
	"   {'containerID':1000,'hostID':1000,'size':1}],"
	"  'devices':[{'path':'/dev/fuse','type':'c','major':10,'minor':229,'fileMode':438,"
	"   'uid':0,'gid':0},{'path':'/dev/pipe','type':'p'}],"
	"  'cgroupsPath':'/machine/box',"
	"  'resources':{'devices':[{'allow':false,'access':'rwm'},"
	"    {'allow':true,'type':'c','major':10,'minor':229,'access':'rw'},"
	"    {'allow':true,'type':'b','major':8,'access':'r'}],"
	"   "
	"'cpu':{'shares':512,'quota':50000,'period':200000,'burst':10000,'cpus':'0-1','mems':'0'},"
	"   'memory':{'limit':268435456,'reservation':134217728,'swap':536870912,'swappiness':10},"
	"   'pids':{'limit':64},"
	"   'blockIO':{'weight':500,'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576}],"
	"    'throttleWriteIOPSDevice':[{'major':8,'minor':0,'rate':100},"
	"     {'major':253,'minor':1,'rate':7}]}},"
	"  'sysctl':{'net.ipv4.ip_forward':'1','kernel.msgmax':'8192'},"
	"  'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,"
	"   'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_AARCH64'],"
	"   'flags':['SECCOMP_FILTER_FLAG_LOG','SECCOMP_FILTER_FLAG_SPEC_ALLOW'],"
	"   'syscalls':[{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
	"    {'names':['personality'],'action':'SCMP_ACT_ALLOW',"
	"     'args':[{'index':0,'value':8,'op':'SCMP_CMP_EQ'},"
	"      {'index':1,'value':255,'valueTwo':4,'op':'SCMP_CMP_MASKED_EQ'}]},"
	"    {'names':['mount'],'action':'SCMP_ACT_ERRNO','errnoRet':1},"
	"    {'names':['ptrace'],'action':'SCMP_ACT_KILL_PROCESS'}]},"
	"  'maskedPaths':['/proc/kcore','/sys/firmware'],'readonlyPaths':['/proc/sys'],"
	"  'personality':{'domain':'LINUX32'},"
	"  'timeOffsets':{'monotonic':{'secs':-3600,'nanos':5},'boottime':{'secs':86400}},"
	"  'mountLabel':'system_u:object_r:container_file_t:s0','rootfsPropagation':'rslave'}}";

static void test_full_config_round_trips_into_spec_fields(void **state)
{
	(void)state;
	struct alc_spec s;
	alc_err err = { 0 };
	assert_int_equal(oci_fx_parse(full_config, &s, &err), 0);
	struct alc_process *p = &s.process;
	assert_true(s.terminal);
	assert_int_equal(s.console_height, 40);
	assert_int_equal(s.console_width, 120);
	assert_int_equal(p->uid, 1000);
	assert_int_equal(p->gid, 100);
	assert_true(p->has_umask);
	assert_int_equal(p->umask, 022);
	assert_int_equal(p->n_groups, 2);
	assert_int_equal(p->groups[1], 6);
	assert_int_equal(p->n_args, 3);
	assert_string_equal(p->args[2], "echo hi");
	assert_null(p->args[3]);
	assert_int_equal(p->n_env, 2);
	assert_string_equal(p->env[1], "TERM=xterm");
	assert_string_equal(p->cwd, "/work");
	assert_int_equal(p->caps[ALC_CAP_BOUNDING], (1ULL << CAP_KILL) | (1ULL << CAP_NET_ADMIN));
	assert_int_equal(p->caps[ALC_CAP_EFFECTIVE], 1ULL << CAP_KILL);
	assert_int_equal(p->caps[ALC_CAP_PERMITTED], (1ULL << CAP_KILL) | (1ULL << CAP_CHOWN));
	assert_int_equal(p->caps[ALC_CAP_INHERITABLE], 0);
	assert_int_equal(p->caps[ALC_CAP_AMBIENT], 1ULL << CAP_KILL);
	assert_int_equal(p->n_rlimits, 2);
	assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(p->rlimits[0].soft, 512);
	assert_int_equal(p->rlimits[0].hard, 1024);
	assert_int_equal(p->rlimits[1].resource, RLIMIT_CORE);
	assert_true(p->rlimits[1].hard == UINT64_MAX);
	assert_true(p->no_new_privs);
	assert_true(s.has_oom_score_adj);
	assert_int_equal(s.oom_score_adj, -500);
	assert_string_equal(s.apparmor_profile, "alcove-default");
	assert_string_equal(s.selinux_label, "system_u:system_r:container_t:s0");

	assert_string_equal(s.root_path, "rootfs"); /* made absolute only by load */
	assert_true(s.root_readonly);
	assert_string_equal(s.hostname, "box");
	assert_string_equal(s.domainname, "lan");

	assert_int_equal(s.n_mounts, 4);
	assert_string_equal(s.mounts[0].target, "/proc");
	assert_string_equal(s.mounts[0].type, "proc");
	assert_int_equal(s.mounts[0].flags, 0);
	assert_null(s.mounts[0].data);
	assert_int_equal(s.mounts[1].flags, MS_NOSUID | MS_STRICTATIME);
	assert_string_equal(s.mounts[1].data, "mode=755,size=65536k");
	assert_string_equal(s.mounts[2].source, "/srv/data");
	assert_int_equal(s.mounts[2].flags,
			 MS_BIND | MS_REC | MS_RDONLY | MS_NODEV | MS_NOEXEC | MS_RELATIME);
	assert_int_equal(s.mounts[2].propagation, MS_PRIVATE | MS_REC);
	assert_null(s.mounts[2].data);
	assert_true(s.mounts[3].tmpcopyup);
	assert_false(s.mounts[2].tmpcopyup);

	assert_int_equal(s.n_hooks[ALC_HOOK_PRESTART], 1);
	struct alc_hook *h = &s.hooks[ALC_HOOK_PRESTART][0];
	assert_string_equal(h->path, "/usr/bin/netns");
	assert_int_equal(h->n_args, 2);
	assert_string_equal(h->args[1], "up");
	assert_string_equal(h->env[0], "A=1");
	assert_int_equal(h->timeout, 5);
	assert_string_equal(s.hooks[ALC_HOOK_CREATE_RUNTIME][0].path, "/bin/cr");
	assert_string_equal(s.hooks[ALC_HOOK_CREATE_CONTAINER][0].path, "/bin/cc");
	assert_string_equal(s.hooks[ALC_HOOK_START_CONTAINER][0].path, "/bin/sc");
	assert_int_equal(s.n_hooks[ALC_HOOK_POSTSTART], 2);
	assert_string_equal(s.hooks[ALC_HOOK_POSTSTART][1].path, "/bin/ps2");
	assert_int_equal(s.hooks[ALC_HOOK_POSTSTOP][0].timeout, 30);
	assert_int_equal(s.hooks[ALC_HOOK_POSTSTART][0].timeout, 0);

	json_object *ann = json_tokener_parse(s.annotations_json);
	assert_non_null(ann);
	assert_string_equal(json_object_get_string(json_object_object_get(ann, "org.example.key")),
			    "value");
	assert_int_equal(json_object_object_length(ann), 2);
	json_object_put(ann);
	alc_spec_free(&s);
}

static void test_full_config_linux_section_lands_in_spec(void **state)
{
	(void)state;
	struct alc_spec s;
	alc_err err = { 0 };
	assert_int_equal(oci_fx_parse(full_config, &s, &err), 0);
	assert_int_equal(s.ns_flags, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS |
					     CLONE_NEWUSER | CLONE_NEWCGROUP | 0x80 /* TIME */);
	assert_int_equal(s.n_ns_join, 1);
	assert_int_equal(s.ns_join[0].type, CLONE_NEWNET);
	assert_string_equal(s.ns_join[0].path, "/var/run/netns/blue");
	assert_int_equal(s.n_uid_maps, 1);
	assert_int_equal(s.uid_maps[0].outside, 100000);
	assert_int_equal(s.uid_maps[0].count, 65536);
	assert_int_equal(s.n_gid_maps, 2);
	assert_int_equal(s.gid_maps[1].inside, 1000);
	assert_int_equal(s.n_devices, 2);
	assert_string_equal(s.devices[0].path, "/dev/fuse");
	assert_int_equal(s.devices[0].type, 'c');
	assert_int_equal(s.devices[0].major, 10);
	assert_int_equal(s.devices[0].minor, 229);
	assert_int_equal(s.devices[0].mode, 0666);
	assert_int_equal(s.devices[1].type, 'p');
	assert_string_equal(s.cgroup_path, "/machine/box");

	assert_int_equal(s.n_dev_rules, 3);
	assert_false(s.dev_rules[0].allow);
	assert_int_equal(s.dev_rules[0].type, 'a');
	assert_int_equal(s.dev_rules[0].major, -1);
	assert_string_equal(s.dev_rules[0].access, "rwm");
	assert_true(s.dev_rules[1].allow);
	assert_int_equal(s.dev_rules[1].minor, 229);
	assert_string_equal(s.dev_rules[1].access, "rw");
	assert_int_equal(s.dev_rules[2].major, 8);
	assert_int_equal(s.dev_rules[2].minor, -1);

	struct alc_resources *r = &s.res;
	assert_int_equal(r->set, ALC_RES_CPU_SHARES | ALC_RES_CPU_QUOTA | ALC_RES_CPU_BURST |
					 ALC_RES_CPUSET_CPUS | ALC_RES_CPUSET_MEMS |
					 ALC_RES_MEMORY | ALC_RES_MEMORY_LOW | ALC_RES_MEMORY_SWAP |
					 ALC_RES_PIDS | ALC_RES_IO);
	assert_int_equal(r->cpu_shares, 512);
	assert_int_equal(r->cpu_quota_us, 50000);
	assert_int_equal(r->cpu_period_us, 200000);
	assert_int_equal(r->cpu_burst_us, 10000);
	assert_string_equal(r->cpuset_cpus, "0-1");
	assert_string_equal(r->cpuset_mems, "0");
	assert_int_equal(r->memory, 256 << 20);
	assert_int_equal(r->memory_low, 128 << 20);
	assert_int_equal(r->memory_swap, 512 << 20);
	assert_int_equal(r->pids, 64);
	assert_int_equal(r->n_io, 2);
	assert_int_equal(r->io[0].major, 8);
	assert_int_equal(r->io[0].rbps, 1048576);
	assert_int_equal(r->io[0].wiops, 100);
	assert_int_equal(r->io[0].wbps, 0);
	assert_int_equal(r->io[1].minor, 1);
	assert_int_equal(r->io[1].wiops, 7);

	assert_int_equal(s.n_sysctl, 2);
	assert_string_equal(s.sysctl[0].key, "net.ipv4.ip_forward");
	assert_string_equal(s.sysctl[0].value, "1");
	assert_int_equal(s.n_masked, 2);
	assert_string_equal(s.masked_paths[1], "/sys/firmware");
	assert_int_equal(s.n_readonly, 1);
	assert_true(s.has_personality);
	assert_int_equal(s.personality, PER_LINUX32);
	assert_true(s.has_time_offsets);
	assert_int_equal(s.time_offset_mono_s, -3600);
	assert_int_equal(s.time_offset_mono_ns, 5);
	assert_int_equal(s.time_offset_boot_s, 86400);
	assert_string_equal(s.mount_label, "system_u:object_r:container_file_t:s0");
	assert_int_equal(s.rootfs_propagation, MS_SLAVE | MS_REC);
	alc_spec_free(&s);
}

static void test_full_config_seccomp_becomes_libseccomp_values(void **state)
{
	(void)state;
	struct alc_spec s;
	alc_err err = { 0 };
	assert_int_equal(oci_fx_parse(full_config, &s, &err), 0);
	struct alc_seccomp *sc = s.seccomp;
	assert_non_null(sc);
	assert_int_equal(sc->default_action, 0x00050000U | 38); /* SCMP_ACT_ERRNO(ENOSYS) */
	assert_int_equal(sc->n_archs, 2);
	assert_string_equal(sc->archs[1], "SCMP_ARCH_AARCH64");
	assert_int_equal(sc->flags, 2 | 4); /* SECCOMP_FILTER_FLAG_LOG | SPEC_ALLOW */
	assert_int_equal(sc->n_rules, 4);
	assert_int_equal(sc->rules[0].n_names, 2);
	assert_string_equal(sc->rules[0].names[1], "write");
	assert_int_equal(sc->rules[0].action, 0x7fff0000U);
	assert_int_equal(sc->rules[1].n_args, 2);
	assert_int_equal(sc->rules[1].args[1].index, 1);
	assert_int_equal(sc->rules[1].args[1].value, 255);
	assert_int_equal(sc->rules[1].args[1].value_two, 4);
	assert_int_equal(sc->rules[1].args[1].op, 7);	    /* SCMP_CMP_MASKED_EQ */
	assert_int_equal(sc->rules[1].args[0].op, 4);	    /* SCMP_CMP_EQ */
	assert_int_equal(sc->rules[2].action, 0x00050001U); /* ERRNO(EPERM) */
	assert_int_equal(sc->rules[3].action, 0x80000000U); /* KILL_PROCESS */
	alc_spec_free(&s);
}

struct bad_case {
	const char *path, *value; /* value NULL: the member removed */
	const char *message;
};

static const struct bad_case bad_cases[] = {
	{ "process.args", "[]", "config.json: .process.args: must not be empty" },
	{ "process.args", NULL, "config.json: .process.args: missing" },
	{ "process.args", "'sh'", "config.json: .process.args: want an array" },
	{ "process.args", "['sh',3]", "config.json: .process.args[1]: want a string" },
	{ "process.args", "['']",
	  "config.json: .process.args[0]: the program name must not be empty" },
	{ "process.cwd", "'rel'", "config.json: .process.cwd: want an absolute path" },
	{ "process.cwd", NULL, "config.json: .process.cwd: missing" },
	{ "process.terminal", "'yes'", "config.json: .process.terminal: want true or false" },
	{ "process.user.uid", "-1",
	  "config.json: .process.user.uid: want an integer from 0 to "
	  "4294967295" },
	{ "process.user.gid", NULL, "config.json: .process.user.gid: missing" },
	{ "process.user.umask", "512",
	  "config.json: .process.user.umask: want an integer from 0 "
	  "to 511" },
	{ "process.user.additionalGids", "[1,'x']",
	  "config.json: .process.user.additionalGids[1]: want an integer" },
	{ "process.consoleSize", "{'height':1}",
	  "config.json: .process.consoleSize.width: missing" },
	{ "process.capabilities.bounding", "['CAP_NOPE']",
	  "config.json: .process.capabilities.bounding[0]: unknown capability \"CAP_NOPE\"" },
	{ "process.capabilities.ambient", "['kill']",
	  "config.json: .process.capabilities.ambient[0]: \"kill\" is not a capability name (want "
	  "CAP_...)" },
	{ "process.rlimits", "[{'type':'RLIMIT_BOGUS','soft':1,'hard':1}]",
	  "config.json: .process.rlimits[0].type: unknown rlimit \"RLIMIT_BOGUS\"" },
	{ "process.rlimits", "[{'type':'RLIMIT_NOFILE','soft':10,'hard':1}]",
	  "config.json: .process.rlimits[0].soft: above the hard limit" },
	{ "process.rlimits", "[{'type':'RLIMIT_NOFILE','soft':1.5,'hard':1}]",
	  "config.json: .process.rlimits[0].soft: want an integer" },
	{ "process.rlimits",
	  "[{'type':'RLIMIT_NOFILE','soft':1,'hard':1},"
	  "{'type':'RLIMIT_NOFILE','soft':1,'hard':1}]",
	  "config.json: .process.rlimits[1].type: RLIMIT_NOFILE given twice" },
	{ "process.oomScoreAdj", "1001",
	  "config.json: .process.oomScoreAdj: want an integer from -1000 to 1000" },
	{ "process", NULL, "config.json: .process: missing" },
	{ "process", "[]", "config.json: .process: want an object" },
	{ "ociVersion", "'2.0.0'",
	  "config.json: .ociVersion: unsupported version \"2.0.0\" (want 1.x.y)" },
	{ "root.path", NULL, "config.json: .root.path: missing" },
	{ "root.path", "''", "config.json: .root.path: must not be empty" },
	{ "root.readonly", "1", "config.json: .root.readonly: want true or false" },
	{ "root", NULL, "config.json: .root: missing" },
	{ "hostname", "7", "config.json: .hostname: want a string" },
	{ "mounts[0].destination", "'proc'",
	  "config.json: .mounts[0].destination: want an absolute path" },
	{ "mounts[0].destination", NULL, "config.json: .mounts[0].destination: missing" },
	{ "mounts[0].options", "['ro',1]", "config.json: .mounts[0].options[1]: want a string" },
	{ "mounts[0].options", "['rro']",
	  "config.json: .mounts[0].options[0]: mount option \"rro\" is not supported" },
	{ "mounts[0].uidMappings", "[]",
	  "config.json: .mounts[0]: idmapped mounts are not supported" },
	{ "hooks.prestart", "[{'path':'hook'}]",
	  "config.json: .hooks.prestart[0].path: want an absolute path" },
	{ "hooks.poststop", "[{'path':'/h','timeout':0}]",
	  "config.json: .hooks.poststop[0].timeout: want an integer from 1 to 2147483647" },
	{ "hooks.createRuntime", "{}", "config.json: .hooks.createRuntime: want an array" },
	{ "annotations", "{'a.b':1}", "config.json: .annotations[\"a.b\"]: want a string" },
	{ "linux.namespaces", "[{'type':'pid'},{'type':'pid'}]",
	  "config.json: .linux.namespaces[1].type: namespace \"pid\" given twice" },
	{ "linux.namespaces", "[{'type':'bogus'}]",
	  "config.json: .linux.namespaces[0].type: unknown namespace \"bogus\"" },
	{ "linux.namespaces", "[{'type':'network','path':'netns'}]",
	  "config.json: .linux.namespaces[0].path: want an absolute path" },
	{ "linux.uidMappings", "[{'containerID':0,'hostID':1}]",
	  "config.json: .linux.uidMappings[0].size: missing" },
	{ "linux.gidMappings", "[{'containerID':0,'hostID':1,'size':0}]",
	  "config.json: .linux.gidMappings[0].size: must not be 0" },
	{ "linux.devices", "[{'path':'/dev/x','type':'x','major':1,'minor':1}]",
	  "config.json: .linux.devices[0].type: want \"c\", \"b\", \"u\" or \"p\"" },
	{ "linux.devices", "[{'path':'/dev/x','type':'c','major':1}]",
	  "config.json: .linux.devices[0].minor: missing" },
	{ "linux.resources.memory.limit", "'1G'",
	  "config.json: .linux.resources.memory.limit: want an integer" },
	{ "linux.resources.memory.limit", "-2",
	  "config.json: .linux.resources.memory.limit: want -1 (unlimited), 0 (unset) or a "
	  "positive value" },
	{ "linux.resources.memory", "{'swap':100}",
	  "config.json: .linux.resources.memory.swap: needs a memory limit" },
	{ "linux.resources.memory", "{'limit':200,'swap':100}",
	  "config.json: .linux.resources.memory.swap: below the memory limit (it counts memory + "
	  "swap)" },
	{ "linux.resources.cpu.quota", "500",
	  "config.json: .linux.resources.cpu.quota: want -1 or at least 1000 (microseconds)" },
	{ "linux.resources.cpu.period", "10",
	  "config.json: .linux.resources.cpu.period: want 1000 to 1000000 (microseconds)" },
	{ "linux.resources.cpu.shares", "-5",
	  "config.json: .linux.resources.cpu.shares: want an integer from 0 to "
	  "18446744073709551615" },
	{ "linux.resources.cpu.cpus", "3",
	  "config.json: .linux.resources.cpu.cpus: want a string" },
	{ "linux.resources.pids", "{}", "config.json: .linux.resources.pids.limit: missing" },
	{ "linux.resources.blockIO.throttleReadBpsDevice", "[{'major':8,'minor':0}]",
	  "config.json: .linux.resources.blockIO.throttleReadBpsDevice[0].rate: missing" },
	{ "linux.resources.devices", "[{'access':'rwm'}]",
	  "config.json: .linux.resources.devices[0].allow: missing" },
	{ "linux.resources.devices", "[{'allow':true,'access':'rwx'}]",
	  "config.json: .linux.resources.devices[0].access: want letters of \"rwm\"" },
	{ "linux.resources.devices", "[{'allow':true,'type':'p'}]",
	  "config.json: .linux.resources.devices[0].type: want \"a\", \"b\" or \"c\"" },
	{ "linux.sysctl", "{'net.core.somaxconn':1024}",
	  "config.json: .linux.sysctl[\"net.core.somaxconn\"]: want a string" },
	{ "linux.sysctl", "{'net.ipv4.ip_forward':'1'}",
	  "config.json: .linux.sysctl[\"net.ipv4.ip_forward\"]: needs a network namespace of its "
	  "own" },
	{ "linux.sysctl", "{'kernel.panic':'1'}",
	  "config.json: .linux.sysctl[\"kernel.panic\"]: not a namespaced sysctl (net.*, "
	  "fs.mqueue.*, the kernel IPC ones, kernel.hostname, kernel.domainname)" },
	{ "linux.sysctl", "{'net.ipv4/../../x':'1'}",
	  "config.json: .linux.sysctl[\"net.ipv4/../../x\"]: not a namespaced sysctl (net.*, "
	  "fs.mqueue.*, the kernel IPC ones, kernel.hostname, kernel.domainname)" },
	{ "hostname", "'box'",
	  "config.json: .hostname: needs a uts namespace of its own (a \"uts\" entry in "
	  ".linux.namespaces)" },
	{ "linux.seccomp", "{}", "config.json: .linux.seccomp.defaultAction: missing" },
	{ "linux.seccomp", "{'defaultAction':'SCMP_ACT_NOPE'}",
	  "config.json: .linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\"" },
	{ "linux.seccomp", "{'defaultAction':'SCMP_ACT_NOTIFY'}",
	  "config.json: .linux.seccomp.defaultAction: SCMP_ACT_NOTIFY is not supported" },
	{ "linux.seccomp", "{'defaultAction':'SCMP_ACT_ALLOW','defaultErrnoRet':1}",
	  "config.json: .linux.seccomp.defaultErrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE "
	  "take one" },
	{ "linux.seccomp", "{'defaultAction':'SCMP_ACT_ALLOW','architectures':['x86']}",
	  "config.json: .linux.seccomp.architectures[0]: unknown architecture \"x86\"" },
	{ "linux.seccomp", "{'defaultAction':'SCMP_ACT_ALLOW','flags':['SECCOMP_FILTER_FLAG_X']}",
	  "config.json: .linux.seccomp.flags[0]: unknown or unsupported flag "
	  "\"SECCOMP_FILTER_FLAG_X\"" },
	{ "linux.seccomp",
	  "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':[],"
	  "'action':'SCMP_ACT_ERRNO'}]}",
	  "config.json: .linux.seccomp.syscalls[0].names: must not be empty" },
	{ "linux.seccomp",
	  "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],"
	  "'action':'SCMP_ACT_ERRNO','args':[{'index':6,'value':1,'op':"
	  "'SCMP_CMP_EQ'}]}]}",
	  "config.json: .linux.seccomp.syscalls[0].args[0].index: want an integer from 0 to 5" },
	{ "linux.seccomp",
	  "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],"
	  "'action':'SCMP_ACT_ERRNO','args':[{'index':0,'value':1,'op':"
	  "'EQ'}]}]}",
	  "config.json: .linux.seccomp.syscalls[0].args[0].op: unknown operator \"EQ\"" },
	{ "linux.personality", "{'domain':'LINUX64'}",
	  "config.json: .linux.personality.domain: want \"LINUX\" or \"LINUX32\"" },
	{ "linux.timeOffsets", "{'realtime':{'secs':1}}",
	  "config.json: .linux.timeOffsets.realtime: unknown clock (want monotonic or boottime)" },
	{ "linux.timeOffsets", "{'boottime':{'nanos':1000000000}}",
	  "config.json: .linux.timeOffsets.boottime.nanos: want an integer from 0 to 999999999" },
	{ "linux.rootfsPropagation", "'sideways'",
	  "config.json: .linux.rootfsPropagation: unknown propagation \"sideways\"" },
	{ "linux.uidMappings", "[{'containerID':0,'hostID':1000,'size':1}]",
	  "config.json: .linux.uidMappings: needs a new user namespace (a \"user\" entry without a "
	  "path in .linux.namespaces)" },
	{ "linux.timeOffsets", "{'monotonic':{'secs':10}}",
	  "config.json: .linux.timeOffsets: needs a new time namespace (a \"time\" entry without a "
	  "path in .linux.namespaces)" },
	{ "linux.intelRdt", "{'closID':'x'}",
	  "config.json: .linux.intelRdt: Intel RDT is not supported by alcove" },
	{ "linux.maskedPaths", "'/proc'", "config.json: .linux.maskedPaths: want an array" },
	{ "process.scheduler", "{'priority':5}",
	  "config.json: .process.scheduler.policy: missing" },
	{ "process.scheduler", "{'policy':'SCHED_NOPE'}",
	  "config.json: .process.scheduler.policy: unknown policy \"SCHED_NOPE\"" },
	{ "process.scheduler", "{'policy':'SCHED_ISO'}",
	  "config.json: .process.scheduler.policy: Linux has no policy \"SCHED_ISO\"" },
	{ "process.scheduler", "{'policy':'SCHED_FIFO'}",
	  "config.json: .process.scheduler: priority: want 1 to 99 for SCHED_FIFO and SCHED_RR" },
	{ "process.scheduler", "{'policy':'SCHED_OTHER','priority':3}",
	  "config.json: .process.scheduler: priority: only SCHED_FIFO and SCHED_RR take one (want "
	  "0)" },
	{ "process.scheduler", "{'policy':'SCHED_RR','priority':100}",
	  "config.json: .process.scheduler.priority: want an integer from 0 to 99" },
	{ "process.scheduler", "{'policy':'SCHED_BATCH','nice':20}",
	  "config.json: .process.scheduler.nice: want an integer from -20 to 19" },
	{ "process.scheduler", "{'policy':'SCHED_OTHER','flags':['SCHED_FLAG_FAST']}",
	  "config.json: .process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_FAST\"" },
	{ "process.scheduler", "{'policy':'SCHED_DEADLINE','runtime':2000000}",
	  "config.json: .process.scheduler: SCHED_DEADLINE needs runtime and deadline" },
	{ "process.scheduler",
	  "{'policy':'SCHED_DEADLINE','runtime':20000000,'deadline':10000000,'period':30000000}",
	  "config.json: .process.scheduler: want runtime <= deadline <= period" },
	{ "process.scheduler", "{'policy':'SCHED_OTHER','runtime':1000}",
	  "config.json: .process.scheduler: runtime, deadline and period are for SCHED_DEADLINE "
	  "only" },
	{ "process.ioPriority", "{'class':'IOPRIO_CLASS_FAST'}",
	  "config.json: .process.ioPriority.class: unknown class \"IOPRIO_CLASS_FAST\" (want "
	  "IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)" },
	{ "process.ioPriority", "{'class':'IOPRIO_CLASS_BE','priority':8}",
	  "config.json: .process.ioPriority.priority: want 0 to 7" },
	{ "process.execCPUAffinity", "{'initial':'0-'}",
	  "config.json: .process.execCPUAffinity.initial: \"0-\" is not a CPU list (want e.g. "
	  "0-3,6)" },
	{ "process.execCPUAffinity", "{'final':'3-1'}",
	  "config.json: .process.execCPUAffinity.final: the range 3-1 is reversed" },
	{ "process.execCPUAffinity", "{'final':'0,5000'}",
	  "config.json: .process.execCPUAffinity.final: CPU 5000 is beyond the 1024 this build "
	  "handles" },
	{ "process.execCPUAffinity", "{'final':''}",
	  "config.json: .process.execCPUAffinity.final: an empty CPU list" },
	{ "linux.resources.cpu", "{'realtimePeriod':1000000}",
	  "config.json: .linux.resources.cpu.realtimePeriod: needs realtimeRuntime" },
	{ "linux.resources.cpu", "{'realtimeRuntime':2000000,'realtimePeriod':1000000}",
	  "config.json: .linux.resources.cpu.realtimeRuntime: above realtimePeriod" },
};

static void test_process_scheduling_fields_land_in_attr(void **state)
{
	(void)state;
	char *base = oci_fx_dq(oci_fx_base_config);
	json_object *top = json_tokener_parse(base);
	free(base);
	assert_non_null(top);
	oci_fx_set_at(top, "process.scheduler",
		      "{'policy':'SCHED_FIFO','priority':10,'flags':['SCHED_FLAG_RESET_ON_FORK']}");
	oci_fx_set_at(top, "process.ioPriority", "{'class':'IOPRIO_CLASS_IDLE','priority':7}");
	oci_fx_set_at(top, "process.execCPUAffinity", "{'initial':'0-2,5','final':'1'}");
	oci_fx_set_at(top, "linux.resources.cpu",
		      "{'realtimeRuntime':500000,'realtimePeriod':1000000}");
	struct alc_spec s;
	alc_err err = { 0 };
	assert_int_equal(oci_config_parse(json_object_to_json_string(top), "config.json", &s, &err),
			 0);
	const struct alc_procattr *a = &s.process.attr;
	assert_true(a->has_sched);
	assert_int_equal(a->policy, SCHED_FIFO);
	assert_int_equal(a->priority, 10);
	assert_int_equal(a->flags, 0x01);
	assert_true(a->has_ioprio);
	assert_int_equal(a->io_class, 3);
	assert_int_equal(a->io_level, 7);
	assert_true(a->has_initial && a->has_final);
	assert_int_equal(alc_cpus_count(&a->initial), 4);
	assert_true(alc_cpus_has(&a->initial, 5) && !alc_cpus_has(&a->initial, 3));
	assert_int_equal(alc_cpus_count(&a->final), 1);
	assert_true(alc_cpus_has(&a->final, 1));
	assert_true(s.res.set & ALC_RES_CPU_RT);
	assert_int_equal(s.res.cpu_rt_runtime_us, 500000);
	assert_int_equal(s.res.cpu_rt_period_us, 1000000);
	alc_spec_free(&s);
	json_object_put(top);
}

static void test_bad_inputs_name_their_json_path(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		char *base = oci_fx_dq(oci_fx_base_config);
		json_object *top = json_tokener_parse(base);
		free(base);
		assert_non_null(top);
		oci_fx_set_at(top, c->path, c->value);
		const char *text = json_object_to_json_string(top);
		struct alc_spec s;
		alc_err err = { 0 };
		int r = oci_config_parse(text, "config.json", &s, &err);
		if (r != -EINVAL || strcmp(err.msg, c->message) != 0)
			fail_msg("case %zu (%s): r=%d\n  got  '%s'\n  want '%s'", i, c->path, r,
				 err.msg, c->message);
		/* On error the spec is left freed: all zero. */
		assert_null(s.process.args);
		assert_null(s.root_path);
		assert_null(s.mounts);
		assert_null(s.seccomp);
		json_object_put(top);
	}
}

static void test_base_config_used_by_the_table_is_valid(void **state)
{
	(void)state;
	struct alc_spec s;
	alc_err err = { 0 };
	assert_int_equal(oci_fx_parse(oci_fx_base_config, &s, &err), 0);
	assert_string_equal(s.process.args[0], "sh");
	assert_int_equal(s.ns_flags, 0);
	assert_int_equal(s.res.set, 0);
	assert_null(s.seccomp);
	alc_spec_free(&s);
}

static void test_unknown_fields_are_ignored(void **state)
{
	(void)state;
	struct alc_spec s;
	alc_err err = { 0 };
	assert_int_equal(
		oci_fx_parse("{'ociVersion':'1.0.2-dev','future':{'x':[1,2]},"
			     "'process':{'args':['sh'],'cwd':'/','newThing':true,"
			     "'user':{'uid':1,'gid':2,'username':'x'},'futureKnob':{}},"
			     "'root':{'path':'/r','other':1},'windows':{'x':1},"
			     "'linux':{'resources':{'hugepageLimits':[],'unified':{'a':'b'}},"
			     "'somethingNew':[]}}",
			     &s, &err),
		0);
	assert_int_equal(s.process.uid, 1);
	assert_int_equal(s.process.gid, 2);
	assert_string_equal(s.root_path, "/r");
	alc_spec_free(&s);
}

static void test_nulls_count_as_absent(void **state)
{
	(void)state;
	struct alc_spec s;
	alc_err err = { 0 };
	assert_int_equal(
		oci_fx_parse("{'process':{'args':['sh'],'cwd':'/','env':null,'rlimits':null},"
			     "'root':{'path':'r'},'hooks':null,'linux':{'seccomp':null,"
			     "'resources':{'devices':[{'allow':true,'major':null}]}}}",
			     &s, &err),
		0);
	assert_null(s.seccomp);
	assert_int_equal(s.dev_rules[0].major, -1);
	alc_spec_free(&s);
}

static void test_malformed_json_reports_line_and_column(void **state)
{
	(void)state;
	struct alc_spec s;
	alc_err err = { 0 };
	assert_int_equal(oci_config_parse("{\n  \"process\": {\n    \"args\": [\"sh\",]\n",
					  "c.json", &s, &err),
			 -EINVAL);
	assert_string_equal(err.msg, "c.json:3:19: malformed JSON: unexpected character");
	assert_int_equal(oci_config_parse("{\"a\": 1", "c.json", &s, &err), -EINVAL);
	assert_string_equal(err.msg, "c.json:1:8: malformed JSON: unexpected end of data");
	assert_int_equal(oci_config_parse("{} {}", "c.json", &s, &err), -EINVAL);
	assert_string_equal(err.msg, "c.json:1:4: malformed JSON: unexpected character");
	assert_int_equal(oci_config_parse("[1]", "c.json", &s, &err), -EINVAL);
	assert_string_equal(err.msg, "c.json: .: want an object");
	assert_int_equal(oci_config_parse("", "c.json", &s, &err), -EINVAL);
	assert_string_equal(err.msg, "c.json:1:1: malformed JSON: unexpected end of data");
}

static void test_process_json_replaces_the_process_only(void **state)
{
	(void)state;
	struct alc_spec s;
	alc_err err = { 0 };
	assert_int_equal(oci_fx_parse(full_config, &s, &err), 0);
	char *text =
		oci_fx_dq("{'terminal':false,'user':{'uid':7,'gid':8},'args':['ps','-ef'],"
			  "'cwd':'/tmp','env':['X=1'],'capabilities':{'bounding':['CAP_CHOWN']},"
			  "'oomScoreAdj':100}");
	assert_int_equal(oci_process_parse(text, "process.json", &s, &err), 0);
	free(text);
	assert_false(s.terminal);
	assert_int_equal(s.console_width, 0);
	assert_int_equal(s.process.uid, 7);
	assert_int_equal(s.process.n_args, 2);
	assert_string_equal(s.process.args[1], "-ef");
	assert_string_equal(s.process.cwd, "/tmp");
	assert_int_equal(s.process.n_env, 1);
	assert_int_equal(s.process.caps[ALC_CAP_BOUNDING], 1ULL << CAP_CHOWN);
	assert_int_equal(s.process.caps[ALC_CAP_AMBIENT], 0);
	assert_int_equal(s.process.n_rlimits, 0);
	assert_int_equal(s.oom_score_adj, 100);
	/* The rest of the container is untouched. */
	assert_string_equal(s.apparmor_profile, "alcove-default");
	assert_string_equal(s.hostname, "box");
	assert_int_equal(s.n_mounts, 4);
	assert_non_null(s.seccomp);

	text = oci_fx_dq("{'args':[],'cwd':'/'}");
	assert_int_equal(oci_process_parse(text, "process.json", &s, &err), -EINVAL);
	free(text);
	assert_string_equal(err.msg, "process.json: .args: must not be empty");
	assert_string_equal(s.process.args[0], "ps"); /* kept on error */
	alc_spec_free(&s);
}

static void test_load_reads_the_bundle_and_makes_root_absolute(void **state)
{
	(void)state;
	char dir[] = "/tmp/alcove-oci-config-XXXXXX", path[128], *real;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config.json", dir);
	char *text = oci_fx_dq(oci_fx_base_config);
	assert_int_equal(alc_write_file_at(AT_FDCWD, path, text), -ENOENT); /* no O_CREAT */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	free(text);
	struct alc_spec s;
	alc_err err = { 0 };
	assert_int_equal(oci_config_load(dir, &s, &err), 0);
	real = realpath(dir, NULL);
	snprintf(path, sizeof(path), "%s/rootfs", real);
	assert_string_equal(s.root_path, path);
	alc_spec_free(&s);
	free(real);

	snprintf(path, sizeof(path), "%s/config.json", dir);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	assert_int_equal(write(fd, "{\"process\": 1}", 14), 14);
	close(fd);
	assert_int_equal(oci_config_load(dir, &s, &err), -EINVAL);
	char want[256];
	snprintf(want, sizeof(want), "%s: .process: want an object", path);
	assert_string_equal(err.msg, want);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(oci_config_load(dir, &s, &err), -ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err.msg, want);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_config_round_trips_into_spec_fields),
		cmocka_unit_test(test_full_config_linux_section_lands_in_spec),
		cmocka_unit_test(test_full_config_seccomp_becomes_libseccomp_values),
		cmocka_unit_test(test_base_config_used_by_the_table_is_valid),
		cmocka_unit_test(test_bad_inputs_name_their_json_path),
		cmocka_unit_test(test_process_scheduling_fields_land_in_attr),
		cmocka_unit_test(test_unknown_fields_are_ignored),
		cmocka_unit_test(test_nulls_count_as_absent),
		cmocka_unit_test(test_malformed_json_reports_line_and_column),
		cmocka_unit_test(test_process_json_replaces_the_process_only),
		cmocka_unit_test(test_load_reads_the_bundle_and_makes_root_absolute),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
