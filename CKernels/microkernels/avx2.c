#include "../ck_internal.h"
const ck_config *ck_config_avx2(void) { return 0; }
