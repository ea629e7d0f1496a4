// The tiled kernel for 16 lanes (built with -mavx512f; run only where the CPU has it): 12 query rows × 16
// keys in registers.
#include "attn/fast_kernel.h"

namespace attn::fast {

void tiles_avx512(const TileJob& job, int row_begin, int row_end, float* scratch, unsigned char* ok) {
  Tiled<16, 12, 1>::run(job, row_begin, row_end, scratch, ok);
}

}  // namespace attn::fast
