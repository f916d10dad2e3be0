/*
 * privdrop.c: user lookup, directory preparation, irreversible setresuid.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "privdrop.h"
#include "xmalloc.h"

int
privdrop_user(const char *name, uid_t *uid, gid_t *gid, char **cause)
{
	struct passwd	*pw;

	errno = 0;
	if ((pw = getpwnam(name)) == NULL) {
		xasprintf(cause, "user \"%s\": %s", name,
		    errno ? strerror(errno) : "no such user");
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int
privdrop_group(const char *name, gid_t *gid, char **cause)
{
	struct group	*gr;

	errno = 0;
	if ((gr = getgrnam(name)) == NULL) {
		xasprintf(cause, "group \"%s\": %s", name,
		    errno ? strerror(errno) : "no such group");
		return -1;
	}
	*gid = gr->gr_gid;
	return 0;
}

int
privdrop_dir(const char *dir, mode_t mode, uid_t uid, gid_t gid,
    char **cause)
{
	struct stat	st;

	/* lstat: a symlink planted here must not redirect us (root). */
	if (lstat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			xasprintf(cause, "%s: not a directory", dir);
			return -1;
		}
		return 0;
	}
	if (errno != ENOENT || mkdir(dir, mode) == -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (uid != (uid_t)-1 && chown(dir, uid, gid) == -1) {
		xasprintf(cause, "chown %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
privdrop_drop(uid_t uid, gid_t gid, char **cause)
{
	if (setgroups(1, &gid) == -1 ||
	    setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1) {
		xasprintf(cause, "cannot drop privileges: %s",
		    strerror(errno));
		return -1;
	}
	if (uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		xasprintf(cause, "root privileges could be regained");
		return -1;
	}
	return 0;
}
