/*
 * replay_main.c: a plain main() for a fuzz target.  Runs every file of
 * CORPUS_DIR/FUZZ_NAME/ (or of the directories given as arguments) through
 * LLVMFuzzerTestOneInput(), so that `make check` replays the corpus; under
 * ASan and UBSan any crash fails the test.  Prints TAP.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define REPLAY_MAX	(1024 * 1024)

static int	replay_dir(const char *, size_t *);

static int
replay_dir(const char *dir, size_t *count)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[4096];
	static uint8_t	 buf[REPLAY_MAX];
	FILE		*fp;
	size_t		 n;

	if ((d = opendir(dir)) == NULL) {
		printf("# %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path))
			continue;
		if ((fp = fopen(path, "rb")) == NULL) {
			printf("# %s: %s\n", path, strerror(errno));
			closedir(d);
			return -1;
		}
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, n);
		(*count)++;
	}
	closedir(d);
	return 0;
}

int
main(int argc, char *argv[])
{
	size_t	count = 0;
	int	i, rc = 0;

	printf("1..1\n");
	fflush(stdout);
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			if (replay_dir(argv[i], &count) == -1)
				rc = 1;
	} else
		rc = replay_dir(CORPUS_DIR "/" FUZZ_NAME, &count) == -1;
	if (rc == 0 && count == 0) {
		printf("# empty corpus\n");
		rc = 1;
	}
	printf("%sok 1 - %s: replayed %zu corpus inputs\n", rc ? "not " : "",
	    FUZZ_NAME, count);
	return rc;
}
