// Flash attention's online softmax over K/V tiles, with an optional record of every tile (see flash.h).
#include "attn/flash.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace attn {

FlashTrace flash_attention(const MatD& q, const MatD& k, const MatD& v, const MaskSpec& mask,
                           double multiplier, int br, int bc, bool record, const MatD& bias) {
  const int L = static_cast<int>(q.rows()), S = static_cast<int>(k.rows());
  const Eigen::Index d = q.cols(), dv = v.cols();
  const double neg_inf = -std::numeric_limits<double>::infinity();
  FlashTrace t;
  t.br = br;
  t.bc = bc;
  t.output = MatD::Zero(L, dv);
  t.lse = VecD::Constant(L, neg_inf);
  // Held at once: a Q tile, a K and a V tile, the S tile, the O accumulator, m and l.
  const double tq = std::min(br, std::max(L, 1)), tk = std::min(bc, std::max(S, 1));  // a tile is never wider
  t.peak_bytes = 8.0 * (tq * d + tk * (d + dv) + tq * tk + tq * dv + 2.0 * tq);
  for (int row0 = 0, qt = 0; row0 < L; row0 += br, ++qt) {
    const int rows = std::min(br, L - row0);
    VecD m = VecD::Constant(rows, neg_inf), l = VecD::Zero(rows);
    MatD o = MatD::Zero(rows, dv);
    for (int col0 = 0, kt = 0; col0 < S; col0 += bc, ++kt) {
      const int cols = std::min(bc, S - col0);
      FlashTile tile;
      tile.q_tile = qt, tile.k_tile = kt, tile.row0 = row0, tile.rows = rows, tile.col0 = col0,
      tile.cols = cols;
      bool any = false;
      for (int i = 0; i < rows && !any; ++i)
        for (int j = 0; j < cols && !any; ++j) any = mask_allows(mask, row0 + i, col0 + j, L, S);
      if (!any) {  // a whole tile above the causal diagonal (or outside a window): skipped, no work
        tile.skipped = true;
        if (record) t.tiles.push_back(std::move(tile));
        continue;
      }
      MatD s = q.middleRows(row0, rows) * k.middleRows(col0, cols).transpose() * multiplier;
      if (bias.size()) s += bias.block(row0, col0, rows, cols);
      for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j)
          if (!mask_allows(mask, row0 + i, col0 + j, L, S)) s(i, j) = neg_inf;
      const VecD m_old = m, l_old = l;
      VecD rescale(rows);
      MatD p(rows, cols);
      for (int i = 0; i < rows; ++i) {
        const double m_new = std::max(m(i), s.row(i).maxCoeff());
        if (m_new == neg_inf) {  // every key so far blocked for this row: nothing to add yet
          rescale(i) = 1;
          p.row(i).setZero();
          continue;
        }
        rescale(i) = m(i) == neg_inf ? 0.0 : std::exp(m(i) - m_new);
        for (int j = 0; j < cols; ++j) p(i, j) = s(i, j) == neg_inf ? 0.0 : std::exp(s(i, j) - m_new);
        m(i) = m_new;
        l(i) = l(i) * rescale(i) + p.row(i).sum();
        o.row(i) *= rescale(i);
      }
      o += p * v.middleRows(col0, cols);
      if (record) {
        tile.s = std::move(s);
        tile.m_old = m_old, tile.m_new = m, tile.rescale = rescale, tile.l_old = l_old, tile.l_new = l;
        tile.o_partial = o;
        t.tiles.push_back(std::move(tile));
      }
    }
    for (int i = 0; i < rows; ++i) {
      if (l(i) > 0) {
        t.output.row(row0 + i) = o.row(i) / l(i);
        t.lse(row0 + i) = m(i) + std::log(l(i));
      }  // else the row was fully masked: zeros, as in standard attention
    }
  }
  return t;
}

}  // namespace attn
