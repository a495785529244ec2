// SPDX-License-Identifier: MIT
/*
 * A main() for the fuzz targets when they are not built with libFuzzer
 * (every gcc build): run LLVMFuzzerTestOneInput on each file of the corpus
 * directories given, then on pseudo-random inputs -- half fresh bytes, half
 * corpus entries with a few bytes changed -- from a fixed seed, until the
 * iteration count or the time budget runs out.  A finding aborts the
 * process, so meson reports the test as failed; otherwise it prints TAP.
 *
 *   replay [--seconds S] [--iterations N] [--seed X] DIR|FILE...
 */
#include <dirent.h>
#include <signal.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	uint8_t *data;
	size_t size;
};

static struct input *corpus;
static size_t ncorpus, capcorpus;

static void load_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct input in = { 0 };
	long n;

	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		in.size = (size_t)n;
		in.data = malloc(in.size ? in.size : 1);
		if (in.data && fread(in.data, 1, in.size, f) == in.size) {
			if (ncorpus == capcorpus) {
				capcorpus = capcorpus ? capcorpus * 2 : 64;
				corpus = realloc(corpus, capcorpus * sizeof(*corpus));
				if (!corpus)
					abort();
			}
			corpus[ncorpus++] = in;
			in.data = NULL;
		}
	}
	free(in.data);
	fclose(f);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (stat(path, &st))
		return;
	if (!S_ISDIR(st.st_mode)) {
		load_file(path);
		return;
	}
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names)
			abort();
		if (asprintf(&names[n++], "%s/%s", path, e->d_name) < 0)
			abort();
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name); /* deterministic order */
	for (size_t i = 0; i < n; i++) {
		load_file(names[i]);
		free(names[i]);
	}
	free(names);
}

static uint64_t rng_state;

/* The input being run, written to ./replay-crash.bin if it aborts, so the
 * finding can be replayed alone (replay replay-crash.bin). */
static const uint8_t *cur_data;
static size_t cur_size;

static void on_abort(int sig)
{
	static const char msg[] = "replay: input saved to replay-crash.bin\n";
	int fd = open("replay-crash.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, cur_data, cur_size) < 0 || write(2, msg, sizeof(msg) - 1) < 0)
			(void)0;
		close(fd);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void run_one(const uint8_t *data, size_t size)
{
	cur_data = data;
	cur_size = size;
	LLVMFuzzerTestOneInput(data, size);
}

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = 20, t0;
	unsigned long iterations = 1000000, done = 0;
	uint8_t buf[1024];

	rng_state = 0x9e3779b97f4a7c15ULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--iterations") && i + 1 < argc)
			iterations = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			rng_state = strtoull(argv[++i], NULL, 0) | 1;
		else
			load_path(argv[i]);
	}
	signal(SIGABRT, on_abort);
	printf("1..2\n");
	for (size_t i = 0; i < ncorpus; i++)
		run_one(corpus[i].data, corpus[i].size);
	printf("ok 1 - corpus replayed: %zu inputs\n", ncorpus);
	fflush(stdout);

	t0 = now();
	while (done < iterations && now() - t0 < seconds) {
		size_t len;

		if (ncorpus && (rnd() & 1)) {
			const struct input *in = &corpus[rnd() % ncorpus];
			unsigned int flips = 1 + rnd() % 8;

			len = in->size < sizeof(buf) ? in->size : sizeof(buf);
			memcpy(buf, in->data, len);
			if (len < sizeof(buf) && (rnd() & 3) == 0) {
				size_t extra = rnd() % (sizeof(buf) - len);

				for (size_t k = 0; k < extra; k++)
					buf[len + k] = (uint8_t)rnd();
				len += extra;
			}
			for (unsigned int k = 0; k < flips && len; k++)
				buf[rnd() % len] = (uint8_t)rnd();
		} else {
			len = rnd() % 512;
			for (size_t k = 0; k < len; k++)
				buf[k] = (uint8_t)rnd();
		}
		run_one(buf, len);
		done++;
	}
	printf("ok 2 - %lu pseudo-random inputs in %.1f s\n", done, now() - t0);
	for (size_t i = 0; i < ncorpus; i++)
		free(corpus[i].data);
	free(corpus);
	return 0;
}
