/* SPDX-License-Identifier: MIT */
/*
 * dma-engine.c - a tiny DMA-copy engine, emulated in software on top of
 * uiommufd's public API only.
 *
 * The "guest" is this program's main thread: it owns some memory, maps it
 * into an IOAS, and writes copy descriptors into a ring that lives in that
 * memory (so the device reads them through IOVAs, like real hardware).  The
 * "device" is the engine (engine_run(), called here from the same thread
 * for a deterministic check; any thread may call it): it opens an access
 * on the IOAS, pins the
 * ring once (zero-copy through the scatter-gather list it gets back), and
 * for each descriptor copies `len` bytes from IOVA `src` to IOVA `dst`
 * with uiommufd_dma_read/uiommufd_dma_write, then writes a status back.
 *
 * The unmap callback shows the contract: if the guest unmaps the ring, the
 * device drops its pin before the unmap completes.
 *
 * Exit status 0 when every copy landed and every bad descriptor got the
 * right error; this program is run as a test.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <uiommufd/uiommufd.h>

#define RING_IOVA 0x100000ULL
#define DATA_IOVA 0x200000ULL
#define NDESC 64

/* One descriptor as the guest writes it (little endian, 32 bytes). */
struct desc {
	uint64_t src, dst, len;
	int32_t status;		/* 1 = pending; 0 done; -errno failed */
	uint32_t pad;
};

struct engine {
	struct uiommufd_access *access;
	pthread_mutex_t lock;	/* guards ring */
	struct desc *ring;	/* host view of the pinned ring, or NULL */
	size_t ring_len;
	unsigned char bounce[65536];
};

static void engine_unmap(void *priv, uint64_t iova, uint64_t length)
{
	struct engine *e = priv;

	pthread_mutex_lock(&e->lock);
	if (e->ring && iova <= RING_IOVA && RING_IOVA - iova < length) {
		uiommufd_dma_unpin(e->access, RING_IOVA, e->ring_len);
		e->ring = NULL;
	}
	pthread_mutex_unlock(&e->lock);
}

/* Copy through a bounce buffer, in chunks: any length and alignment. */
static int engine_copy(struct engine *e, uint64_t src, uint64_t dst, uint64_t len)
{
	while (len) {
		size_t n = len < sizeof(e->bounce) ? len : sizeof(e->bounce);
		int rc = uiommufd_dma_read(e->access, src, e->bounce, n);

		if (!rc)
			rc = uiommufd_dma_write(e->access, dst, e->bounce, n);
		if (rc)
			return rc;
		src += n;
		dst += n;
		len -= n;
	}
	return 0;
}

/* Process every pending descriptor of the ring once. */
static int engine_run(struct engine *e)
{
	int done = 0;

	pthread_mutex_lock(&e->lock);
	for (unsigned int i = 0; e->ring && i < NDESC; i++) {
		struct desc *d = &e->ring[i];

		if (__atomic_load_n(&d->status, __ATOMIC_ACQUIRE) != 1)
			continue;
		__atomic_store_n(&d->status, engine_copy(e, d->src, d->dst, d->len),
				 __ATOMIC_RELEASE);
		done++;
	}
	pthread_mutex_unlock(&e->lock);
	return done;
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t ring_len = NDESC * sizeof(struct desc);
	size_t data_len = 64 * (size_t)page;
	struct uiommufd_ctx *ctx;
	struct engine e = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct uiommufd_sg sg;
	unsigned char *ring_mem, *data;
	uint32_t ioas;
	uint64_t iova;
	size_t nsg;
	int rc, bad = 0;

	ring_mem = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	data = mmap(NULL, data_len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ring_mem == MAP_FAILED || data == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < data_len; i++)
		data[i] = (unsigned char)(i * 31 + 7);

	rc = uiommufd_open(&ctx);
	if (!rc)
		rc = uiommufd_ioas_alloc(ctx, &ioas);
	iova = RING_IOVA;
	if (!rc)
		rc = uiommufd_ioas_map(ctx, ioas, ring_mem, (uint64_t)page, &iova,
				       UIOMMUFD_MAP_FIXED_IOVA | UIOMMUFD_MAP_READABLE |
				       UIOMMUFD_MAP_WRITEABLE);
	iova = DATA_IOVA;
	if (!rc)
		rc = uiommufd_ioas_map(ctx, ioas, data, data_len, &iova,
				       UIOMMUFD_MAP_FIXED_IOVA | UIOMMUFD_MAP_READABLE |
				       UIOMMUFD_MAP_WRITEABLE);
	if (!rc)
		rc = uiommufd_access_open(ctx, ioas, engine_unmap, &e, &e.access);
	if (rc) {
		fprintf(stderr, "dma-engine: setup failed: %s\n", strerror(-rc));
		return 1;
	}

	/* The device pins its ring once and keeps a host pointer to it. */
	rc = uiommufd_dma_pin(e.access, RING_IOVA, ring_len, 1, &sg, 1, &nsg);
	if (rc || sg.length != ring_len) {
		fprintf(stderr, "dma-engine: ring pin failed: %d\n", rc);
		return 1;
	}
	e.ring = sg.addr;
	e.ring_len = ring_len;

	/* The guest queues copies: odd sizes and offsets, within the data. */
	struct desc *ring = (struct desc *)ring_mem;
	uint64_t half = data_len / 2;

	for (unsigned int i = 0; i < NDESC - 2; i++) {
		uint64_t len = 1 + (i * 977) % (uint64_t)(2 * page);
		uint64_t so = (i * 4099) % (half - len), doff = half + (i * 1543) % (half - len);

		ring[i] = (struct desc){ .src = DATA_IOVA + so, .dst = DATA_IOVA + doff,
					 .len = len, .status = 1 };
	}
	/* and two bad ones: an unmapped source, a destination past the end
	 * (a destination straddling the end would get a prefix written, like
	 * real DMA that faults half-way) */
	ring[NDESC - 2] = (struct desc){ .src = 0x900000, .dst = DATA_IOVA, .len = 8,
					 .status = 1 };
	ring[NDESC - 1] = (struct desc){ .src = DATA_IOVA,
					 .dst = DATA_IOVA + data_len, .len = 8,
					 .status = 1 };

	/* Run descriptor by descriptor so each can be checked against a model
	 * of the guest memory: the copies may overlap earlier ones. */
	unsigned char *model = malloc(data_len);

	memcpy(model, data, data_len);
	for (unsigned int i = 0; i < NDESC; i++) {
		struct desc saved[NDESC];

		/* hold back everything after i */
		memcpy(saved, ring, sizeof(saved));
		for (unsigned int j = i + 1; j < NDESC; j++)
			ring[j].status = 2;
		engine_run(&e);
		for (unsigned int j = i + 1; j < NDESC; j++)
			ring[j].status = saved[j].status;
		if (i < NDESC - 2) {
			memmove(model + (ring[i].dst - DATA_IOVA),
				model + (ring[i].src - DATA_IOVA), ring[i].len);
			if (ring[i].status != 0) {
				fprintf(stderr, "desc %u: status %d\n", i, ring[i].status);
				bad++;
			}
		}
	}
	if (memcmp(model, data, data_len)) {
		fprintf(stderr, "dma-engine: data mismatch\n");
		bad++;
	}
	if (ring[NDESC - 2].status != -ENOENT || ring[NDESC - 1].status != -ENOENT) {
		fprintf(stderr, "dma-engine: bad descriptors gave %d, %d\n",
			ring[NDESC - 2].status, ring[NDESC - 1].status);
		bad++;
	}

	/* The guest unmaps the ring: the device is told and lets go. */
	uint64_t unmapped = 0;

	rc = uiommufd_ioas_unmap(ctx, ioas, RING_IOVA, (uint64_t)page, &unmapped);
	if (rc || e.ring) {
		fprintf(stderr, "dma-engine: ring unmap: %d\n", rc);
		bad++;
	}
	uiommufd_access_close(e.access);
	uiommufd_close(ctx);
	free(model);
	munmap(ring_mem, (size_t)page);
	munmap(data, data_len);
	printf("dma-engine: %d descriptors, %s\n", NDESC, bad ? "FAILED" : "ok");
	return bad ? 1 : 0;
}
