// The tiled kernel for 8 lanes with FMA (built with -mavx2 -mfma; run only where the CPU has both): 6 query
// rows × 16 keys in registers.
#include "attn/fast_kernel.h"

namespace attn::fast {

void tiles_avx2(const TileJob& job, int row_begin, int row_end, float* scratch, unsigned char* ok) {
  Tiled<8, 6, 2>::run(job, row_begin, row_end, scratch, ok);
}

}  // namespace attn::fast
