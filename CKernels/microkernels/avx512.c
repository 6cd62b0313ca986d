#include "../ck_internal.h"
const ck_config *ck_config_avx512(void) { return 0; }
