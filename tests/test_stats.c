/* Dead-unit and sparsity statistics on crafted inputs: exact zeros (+0,
 * -0), NaN counting as active, the non-positive mode, accumulation over
 * calls, reset, chunked reductions over many rows, every storage dtype,
 * offsets, events, and the validation errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static clact_context *C(void) { return tu_ctx(); }

/* host reference: inactive rows per unit */
static void ref_counts(const double *a, size_t M, size_t N, int nonpos, uint64_t *cnt)
{
    for (size_t j = 0; j < N; ++j) cnt[j] = 0;
    for (size_t i = 0; i < M; ++i)
        for (size_t j = 0; j < N; ++j) {
            const double v = a[i * N + j];
            cnt[j] += nonpos ? (v <= 0) : (v == 0);
        }
}

static void check_against(clact_stats *st, const uint64_t *want, size_t N, uint64_t rows)
{
    clact_stats_result r;
    unsigned char *dead = malloc(N);
    uint64_t *cnt = malloc(N * sizeof *cnt);
    TU_ASSERT_OK(clact_stats_read(st, &r, dead, cnt));
    uint64_t tot = 0;
    size_t nd = 0;
    for (size_t j = 0; j < N; ++j) {
        ck_assert_msg(cnt[j] == want[j], "unit %zu: %llu inactive rows, want %llu", j, (unsigned long long)cnt[j],
                      (unsigned long long)want[j]);
        const int d = rows > 0 && want[j] == rows;
        ck_assert_msg(dead[j] == d, "unit %zu: dead %d, want %d", j, dead[j], d);
        tot += want[j];
        nd += (size_t)d;
    }
    ck_assert_uint_eq(r.rows, rows);
    ck_assert_uint_eq(r.units, N);
    ck_assert_uint_eq(r.values, rows * N);
    ck_assert_uint_eq(r.inactive, tot);
    ck_assert_uint_eq(r.dead, nd);
    ck_assert(fabs(r.sparsity - (rows ? (double)tot / (double)(rows * N) : 0.0)) < 1e-15);
    ck_assert(fabs(r.dead_fraction - (double)nd / (double)N) < 1e-15);
    /* the list agrees with the mask */
    size_t count = 0, list[64];
    TU_ASSERT_OK(clact_stats_dead_units(st, list, 64, &count));
    ck_assert_uint_eq(count, nd);
    for (size_t k = 0, j = 0; j < N; ++j)
        if (dead[j]) {
            if (k < 64) ck_assert_uint_eq(list[k], j);
            ++k;
        }
    free(dead);
    free(cnt);
}

START_TEST(test_crafted)
{
    /* 5 rows x 6 units:
     * u0 all zero (dead), u1 one nonzero, u2 zeros and -0 (dead),
     * u3 zeros and one NaN (NaN is active), u4 negative (active when
     * counting zeros, inactive when counting <= 0), u5 mixed */
    const double z = 0, nz = -0.0;
    const double a[30] = {
        z, 1, z,  z,   -1, 2,
        z, z, nz, z,   -2, 0,
        z, z, z,  NAN, -3, -1,
        z, z, nz, z,   -4, 3,
        z, z, z,  z,   -5, 0,
    };
    const size_t M = 5, N = 6;
    cl_mem b = tu_upload(CLACT_F32, a, M * N);
    uint64_t want[6];
    clact_stats *sz = NULL, *sn = NULL;
    TU_ASSERT_OK(clact_stats_create(&sz, C(), N, CLACT_STATS_ZERO));
    TU_ASSERT_OK(clact_stats_create(&sn, C(), N, CLACT_STATS_NONPOSITIVE));
    /* nothing seen yet */
    memset(want, 0, sizeof want);
    check_against(sz, want, N, 0);
    cl_event ev = NULL;
    TU_ASSERT_OK(clact_stats_accumulate(sz, CLACT_F32, M, b, 0, 0, NULL, &ev));
    ck_assert_ptr_nonnull(ev);
    TU_CL_OK(clWaitForEvents(1, &ev));
    clReleaseEvent(ev);
    TU_ASSERT_OK(clact_stats_accumulate(sn, CLACT_F32, M, b, 0, 0, NULL, NULL));
    ref_counts(a, M, N, 0, want);
    ck_assert_uint_eq(want[0], 5);
    ck_assert_uint_eq(want[2], 5);
    check_against(sz, want, N, M);
    ref_counts(a, M, N, 1, want);
    ck_assert_uint_eq(want[4], 5);
    check_against(sn, want, N, M);
    /* accumulate the last 3 rows again (offset): u1 stays alive */
    TU_ASSERT_OK(clact_stats_accumulate(sz, CLACT_F32, 3, b, 2 * N, 0, NULL, NULL));
    uint64_t w2[6], w3[6];
    ref_counts(a, M, N, 0, w2);
    ref_counts(a + 2 * N, 3, N, 0, w3);
    for (size_t j = 0; j < N; ++j) w2[j] += w3[j];
    check_against(sz, w2, N, M + 3);
    /* a batch where u1 is zero throughout does not revive... nor kill it */
    TU_ASSERT_OK(clact_stats_reset(sz));
    memset(want, 0, sizeof want);
    check_against(sz, want, N, 0);
    TU_ASSERT_OK(clact_stats_accumulate(sz, CLACT_F32, 3, b, 2 * N, 0, NULL, NULL));
    ref_counts(a + 2 * N, 3, N, 0, want);
    check_against(sz, want, N, 3); /* u1 dead over these rows only */
    /* zero rows: a no-op */
    TU_ASSERT_OK(clact_stats_accumulate(sz, CLACT_F32, 0, b, 0, 0, NULL, NULL));
    check_against(sz, want, N, 3);
    clact_stats_destroy(sz);
    clact_stats_destroy(sn);
    tu_release(b);
}
END_TEST

/* many rows: the reduction is split into chunks and folded */
START_TEST(test_many_rows)
{
    const size_t M = 20011, N = 7;
    double *a = malloc(M * N * sizeof *a);
    uint64_t s = 99;
    for (size_t i = 0; i < M; ++i)
        for (size_t j = 0; j < N; ++j) {
            double v = tu_uniform(&s, -1, 1);
            if (j == 0) v = 0;                         /* dead */
            if (j == 1) v = (i == M - 1) ? 0.5 : 0;    /* alive in the last row only */
            if (j == 2 && (tu_rand(&s) & 3)) v = 0;    /* mostly zero */
            if (j == 3) v = -fabs(v);                  /* dead for <= 0 */
            a[i * N + j] = v;
        }
    cl_mem b = tu_upload(CLACT_F32, a, M * N);
    clact_stats *st = NULL, *sn = NULL;
    TU_ASSERT_OK(clact_stats_create(&st, C(), N, CLACT_STATS_ZERO));
    TU_ASSERT_OK(clact_stats_create(&sn, C(), N, CLACT_STATS_NONPOSITIVE));
    for (int rep = 0; rep < 3; ++rep) {
        TU_ASSERT_OK(clact_stats_accumulate(st, CLACT_F32, M, b, 0, 0, NULL, NULL));
        TU_ASSERT_OK(clact_stats_accumulate(sn, CLACT_F32, M, b, 0, 0, NULL, NULL));
    }
    uint64_t want[7];
    ref_counts(a, M, N, 0, want);
    for (size_t j = 0; j < N; ++j) want[j] *= 3;
    check_against(st, want, N, 3 * M);
    ref_counts(a, M, N, 1, want);
    for (size_t j = 0; j < N; ++j) want[j] *= 3;
    check_against(sn, want, N, 3 * M);
    clact_stats_destroy(st);
    clact_stats_destroy(sn);
    tu_release(b);
    free(a);
}
END_TEST

/* every storage dtype the device has */
START_TEST(test_dtypes)
{
    const clact_dtype t = (clact_dtype)_i;
    if (clact_context_supports(C(), t) != CLACT_SUCCESS) return;
    const size_t M = 300, N = 40;
    double *a = malloc(M * N * sizeof *a);
    uint64_t s = 7 + (uint64_t)_i;
    for (size_t q = 0; q < M * N; ++q) {
        const uint64_t r = tu_rand(&s) % 4;
        a[q] = r == 0 ? 0 : r == 1 ? -0.0 : r == 2 ? 1e-3 : -2.5; /* all exact in every dtype */
    }
    for (size_t i = 0; i < M; ++i) a[i * N + 5] = 0, a[i * N + 9] = -0.0;
    cl_mem b = tu_buffer_n(t, M * N + 3);
    tu_write(b, t, 3, a, M * N);
    clact_stats *st = NULL;
    TU_ASSERT_OK(clact_stats_create(&st, C(), N, CLACT_STATS_ZERO));
    TU_ASSERT_OK(clact_stats_accumulate(st, t, M, b, 3, 0, NULL, NULL));
    uint64_t want[40];
    ref_counts(a, M, N, 0, want);
    check_against(st, want, N, M);
    clact_stats_destroy(st);
    tu_release(b);
    free(a);
}
END_TEST

START_TEST(test_wait_list)
{
    const size_t M = 4, N = 3;
    const double a[12] = {0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0};
    cl_mem b = tu_buffer_n(CLACT_F32, M * N);
    float f[12];
    for (int i = 0; i < 12; ++i) f[i] = (float)a[i];
    cl_int err;
    cl_event user = clCreateUserEvent(tu_cl_context(), &err);
    TU_CL_OK(err);
    cl_event wr = NULL;
    TU_CL_OK(clEnqueueWriteBuffer(tu_queue(), b, CL_FALSE, 0, sizeof f, f, 1, &user, &wr));
    clact_stats *st = NULL;
    TU_ASSERT_OK(clact_stats_create(&st, C(), N, CLACT_STATS_ZERO));
    TU_ASSERT_OK(clact_stats_accumulate(st, CLACT_F32, M, b, 0, 1, &wr, NULL));
    TU_CL_OK(clSetUserEventStatus(user, CL_COMPLETE));
    uint64_t want[3] = {4, 0, 4};
    check_against(st, want, N, M);
    clact_stats_destroy(st);
    clReleaseEvent(user);
    clReleaseEvent(wr);
    tu_release(b);
}
END_TEST

START_TEST(test_errors)
{
    clact_stats *st = (clact_stats *)1;
    TU_ASSERT_STATUS(clact_stats_create(NULL, C(), 3, CLACT_STATS_ZERO), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_stats_create(&st, NULL, 3, CLACT_STATS_ZERO), CLACT_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(st);
    TU_ASSERT_STATUS(clact_stats_create(&st, C(), 0, CLACT_STATS_ZERO), CLACT_ERR_INVALID_SHAPE);
    TU_ASSERT_STATUS(clact_stats_create(&st, C(), 3, (clact_stats_mode)9), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_OK(clact_stats_create(&st, C(), 3, CLACT_STATS_ZERO));
    cl_mem b = tu_buffer_n(CLACT_F32, 6);
    TU_ASSERT_STATUS(clact_stats_accumulate(NULL, CLACT_F32, 2, b, 0, 0, NULL, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_stats_accumulate(st, CLACT_F32, 3, b, 0, 0, NULL, NULL), CLACT_ERR_BUFFER_TOO_SMALL);
    TU_ASSERT_STATUS(clact_stats_accumulate(st, CLACT_F32, 2, b, 1, 0, NULL, NULL), CLACT_ERR_BUFFER_TOO_SMALL);
    TU_ASSERT_STATUS(clact_stats_accumulate(st, CLACT_F32, 2, NULL, 0, 0, NULL, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_stats_accumulate(st, (clact_dtype)12, 2, b, 0, 0, NULL, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_stats_accumulate(st, CLACT_F32, 2, b, 0, 1, NULL, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_stats_accumulate(st, CLACT_F32, SIZE_MAX / 2, b, 0, 0, NULL, NULL),
                     CLACT_ERR_INVALID_SHAPE);
    if (!tu_has_f64())
        TU_ASSERT_STATUS(clact_stats_accumulate(st, CLACT_F64, 1, b, 0, 0, NULL, NULL), CLACT_ERR_UNSUPPORTED);
    clact_stats_result r;
    TU_ASSERT_STATUS(clact_stats_read(NULL, &r, NULL, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_stats_read(st, NULL, NULL, NULL), CLACT_ERR_INVALID_ARGUMENT);
    size_t n;
    TU_ASSERT_STATUS(clact_stats_dead_units(st, NULL, 2, &n), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_stats_dead_units(st, NULL, 0, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_stats_reset(NULL), CLACT_ERR_INVALID_ARGUMENT);
    /* the failed calls counted nothing */
    TU_ASSERT_OK(clact_stats_read(st, &r, NULL, NULL));
    ck_assert_uint_eq(r.rows, 0);
    /* the count of dead units with a short list */
    const double z[6] = {0, 0, 1, 0, 0, 2};
    tu_write(b, CLACT_F32, 0, z, 6);
    TU_ASSERT_OK(clact_stats_accumulate(st, CLACT_F32, 2, b, 0, 0, NULL, NULL));
    size_t list[1] = {99};
    TU_ASSERT_OK(clact_stats_dead_units(st, list, 1, &n));
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(list[0], 0);
    TU_ASSERT_OK(clact_stats_dead_units(st, NULL, 0, &n));
    ck_assert_uint_eq(n, 2);
    clact_stats_destroy(st);
    clact_stats_destroy(NULL);
    tu_release(b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");
    tcase_set_timeout(tc, 0);
    tcase_add_test(tc, test_crafted);
    tcase_add_test(tc, test_many_rows);
    tcase_add_loop_test(tc, test_dtypes, 0, CLACT_DTYPE_COUNT);
    tcase_add_test(tc, test_wait_list);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    tu_init();
    return tu_run_suite(suite());
}
