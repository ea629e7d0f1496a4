// Shared matrix types and the shape legend of the attention core (src/attn, Eigen only).
// Row-major everywhere: rows are tokens, matching the JSON "arrays of rows" and the GPU buffers.
#pragma once

#include <Eigen/Dense>
#include <cstdint>

// Shape legend (used in every comment of this layer):
//   L   = query tokens (n_q)          S   = key/value tokens (n_k)
//   E   = d_model (embedding width)   h   = query heads     g = key/value heads (g divides h)
//   d_k = key width per head (E/h)    d_v = value width per head
namespace attn {

template <typename T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

using MatD = Mat<double>;
using VecD = Vec<double>;
using MatF = Mat<float>;
using VecF = Vec<float>;
// 1 = query row may attend to key column, 0 = blocked.
using MaskMat = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace attn
