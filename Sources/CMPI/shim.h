/*
 * MPI's C API for Swift (the package trait MPI). Open MPI defines the communicators, datatypes
 * and operations as macros that take the address of a global, which Swift cannot import; these
 * inline functions hand them over as values.
 */
#include <mpi.h>

static inline MPI_Comm bp_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype bp_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype bp_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype bp_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype bp_mpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Op bp_mpi_max(void) { return MPI_MAX; }
static inline int bp_mpi_success(void) { return MPI_SUCCESS; }
static inline MPI_Status *bp_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
