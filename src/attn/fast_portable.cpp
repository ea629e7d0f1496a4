// The tiled kernel for 4 lanes (SSE natively, SIMD128 in WebAssembly): 3 query rows × 16 keys in registers.
#include "attn/fast_kernel.h"

namespace attn::fast {

void tiles_portable(const TileJob& job, int row_begin, int row_end, float* scratch, unsigned char* ok) {
  Tiled<4, 3, 4>::run(job, row_begin, row_end, scratch, ok);
}

}  // namespace attn::fast
