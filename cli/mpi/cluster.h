/* cluster.h — caseload-mpi: the commands of caseload with their
 * replications spread over the ranks of an MPI job (Open MPI, launched by
 * mpirun or Slurm's srun; docs/cluster.md).
 *
 * Rank 0 runs the command exactly as caseload does: it parses the options,
 * loads the scenarios, prints every message, writes every file. Whenever
 * the command runs replications (batch_run, cli/batch.h), rank 0 sends the
 * other ranks what they need to rebuild the batch (each scenario's file,
 * its SHA-256 and every parameter value) and hands out chunks of
 * replications to ranks that ask for work; each rank runs its chunk on its
 * own threads (-j) and sends the results back, packed as raw doubles
 * (only the KPIs for sweeps and targets). Rank 0 computes chunks too, puts
 * the results back in replication order and gives them to the command's
 * sink, so every file is byte-identical to caseload's with the same seed.
 * It holds at most CLUSTER_WINDOW_BYTES of results waiting for their turn
 * (chunks are handed out only within that window ahead of the next
 * replication it needs), whatever the numbers of replications and ranks.
 *
 * Faults: an MPI error, a rank that cannot rebuild a batch or a rank that
 * does not answer when the run stops ends the job with a message and exit
 * status 1, leaving no result folder marked complete. Ctrl-C on mpirun
 * (which sends SIGTERM to every rank) stops as caseload does: the
 * replications finished are written, marked partial. */
#ifndef CLI_MPI_CLUSTER_H
#define CLI_MPI_CLUSTER_H

#include <stdbool.h>

/* main() of caseload-mpi: MPI set up, then command(argc, argv) on rank 0
 * while the other ranks serve it; returns the command's exit status on
 * every rank. */
int cluster_main(int argc, char **argv, int (*command)(int argc, char **argv));

/* Whether fd reaches a terminal: under mpirun (which starts rank 0 as its
 * child), whether mpirun's own fd does; else isatty. */
bool cluster_terminal(int fd);

#endif
