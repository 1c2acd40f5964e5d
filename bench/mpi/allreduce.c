/* Open MPI's own MPI_Allreduce throughput on float buffers of 1-64 MB, the reference for Lumen's all-reduce
 * (docs/distributed.md). Build and run:
 *   mpicc -O2 -o allreduce bench/mpi/allreduce.c
 *   mpirun --allow-run-as-root --oversubscribe -np 2 ./allreduce
 * Prints one line per size on rank 0: the mean time of one in-place MPI_SUM all-reduce and MB/s (buffer MB / time). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    const int sizes[] = {1, 4, 16, 64};
    for (int s = 0; s < 4; s++) {
        int mb = sizes[s];
        int n = mb * 1024 * 1024 / (int)sizeof(float);
        float *buf = malloc((size_t)n * sizeof(float));
        for (int i = 0; i < n; i++) buf[i] = 1.0f;
        MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);   /* warm-up */
        int reps = 64 / mb < 3 ? 3 : 64 / mb;
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        for (int r = 0; r < reps; r++) MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        double t = (MPI_Wtime() - t0) / reps;
        if (rank == 0) printf("openmpi allreduce %3d MB: %8.2f ms  %8.0f MB/s\n", mb, t * 1e3, mb / t);
        free(buf);
    }
    MPI_Finalize();
    return 0;
}
