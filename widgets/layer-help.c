/* layer-help.c — see layer-help.h. The texts explain for a learner: what a
 * piece does, the formula a textbook would print, and what turning each
 * knob changes. Symbols in the formulas follow PyTorch's documentation so a
 * student can move between the two. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "layer-help.h"

/* What MaxPool2D and AvgPool2D share: the window and its steps, and the
 * explicit padding and the width's own settings. */
#define POOL_WINDOW_HELP                                                             \
  { "size", N_ ("Window size"), N_ ("A window of 2 halves the width and height.") }, \
  {                                                                                  \
    "stride", N_ ("Stride"),                                                         \
      N_ ("Smaller than the window makes windows overlap; 0 uses the window size.")  \
  }
#define POOL_SHAPE_HELP                                                                       \
  { "pad", N_ ("Padding rows"),                                                               \
    N_ ("Explicit padding on each side, less than the rows the window spans (PyTorch "        \
        "takes at most half the window, ONNX more): 1 with a 3×3 window and stride 1 keeps " \
        "the size.") },                                                                       \
    { "size_width", N_ ("Window width"),                                                      \
      N_ ("0 keeps the window square; a k×1 window pools along one axis only.") },            \
    { "stride_width", N_ ("Stride across"),                                                   \
      N_ ("0 uses Stride; another value steps across and down by different amounts.") },      \
  {                                                                                           \
    "pad_width", N_ ("Padding columns"),                                                      \
      N_ ("Explicit padding left and right; −1 uses Padding rows.")                           \
  }

static const LabHelp layers[] = {
  { "input",
    N_ ("Where the data enters the model. It has no weights: it only fixes the shape of one "
        "sample, which every later layer works from."),
    "<b>x</b> ∈ ℝ<sup>C×H×W</sup>",
    N_ ("C: channels, H: height, W: width of one sample"),
    { { "channels", N_ ("Channels"), N_ ("1 for grey images and plain vectors, 3 for colour.") },
      { "height", N_ ("Height"),
        N_ ("Rows of an image or steps of a sequence; must match the data.") },
      { "width", N_ ("Width"),
        N_ ("Columns of an image, or features per step; must match the data.") } } },
  { "embedding",
    N_ ("Replaces each token id with a learnt vector, read from a table with one row per "
        "token. Tokens used alike end up with similar vectors."),
    "<b>e</b><sub>t</sub> = <b>E</b>[<i>x</i><sub>t</sub>]\n<b>E</b> ∈ ℝ<sup>V×D</sup>",
    N_ ("x_t: the token id at step t, V: vocabulary size, D: vector size"),
    { { "input_dim", N_ ("Vocabulary size"),
        N_ ("How many different tokens there are; larger ids are rejected.") },
      { "output_dim", N_ ("Vector size"),
        N_ (
          "Longer vectors can tell tokens apart in more ways, at the cost of more weights.") } } },
  { "dense",
    N_ ("Every output is a weighted sum of every input plus an offset: the basic building block "
        "of neural networks (also called fully connected or linear)."),
    "<b>y</b> = <b>W</b> <b>x</b> + <b>b</b>\n"
    "<i>y</i><sub>i</sub> = ∑<sub>j</sub> <i>W</i><sub>ij</sub> <i>x</i><sub>j</sub> + "
    "<i>b</i><sub>i</sub>",
    N_ ("W: the weights, one row per unit; b: the bias, one per unit"),
    { { "units", N_ ("Units"),
        N_ ("More units can learn more patterns but need more weights and can overfit; the last "
            "Dense layer needs one unit per class.") },
      { "use_bias", N_ ("Use bias"),
        N_ ("Without a bias a zero input always gives zero; turn it off before BatchNorm, which "
            "adds its own offset.") } } },
  { "flatten",
    N_ ("Lays an image or a sequence out as one long vector, so that Dense layers can take it. "
        "Nothing is learnt."),
    "<b>y</b> = (<i>x</i><sub>1</sub>, <i>x</i><sub>2</sub>, …, <i>x</i><sub>C·H·W</sub>)",
    N_ ("the values are read row after row, channel after channel"),
    { { NULL } } },
  { "reshape",
    N_ ("Gives the same values another shape, for example a vector back to an image in a "
        "decoder. Nothing is learnt."),
    "<b>y</b> ∈ ℝ<sup>C′×H′×W′</sup>\nC′·H′·W′ = C·H·W",
    N_ ("the number of values stays the same"),
    { { "channels", N_ ("Channels"), N_ ("Channels of the new shape.") },
      { "height", N_ ("Height"), N_ ("Rows of the new shape.") },
      { "width", N_ ("Width"),
        N_ ("Columns of the new shape; the three together must hold exactly the input's "
            "values.") } } },
  { "dropout",
    N_ ("While training, zeroes a random part of its inputs and scales up the rest, so that the "
        "model cannot lean on any single value: a guard against overfitting. When predicting it "
        "passes everything through."),
    "<b>y</b> = <b>m</b> ⊙ <b>x</b> / (1 − <i>p</i>)\n<i>m</i><sub>i</sub> ~ "
    "Bernoulli(1 − <i>p</i>)",
    N_ ("p: the rate, m: a fresh random mask every batch, ⊙: element-wise product"),
    { { "rate", N_ ("Rate"),
        N_ ("Higher rates fight overfitting harder but slow learning; 0.2 to 0.5 is usual.") } } },
  { "conv2d",
    N_ ("Slides small learnt filters over the image; each filter answers how strongly its "
        "pattern (an edge, a corner, a texture) appears at each place. Weights are shared across "
        "positions, so it needs far fewer of them than a Dense layer. Under More options, "
        "dilation spreads the filter's taps apart to see further with the same weights, and "
        "groups split the channels so each filter sees only its own slice."),
    "<i>y</i><sub>f,i,j</sub> = <i>b</i><sub>f</sub> + ∑<sub>c ∈ group(f)</sub> "
    "∑<sub>u,v</sub> <i>W</i><sub>f,c,u,v</sub> · <i>x</i><sub>c, s·i+d·u−p, s·j+d·v−p</sub>\n"
    "<i>H</i><sub>out</sub> = ⌊(<i>H</i> + 2<i>p</i> − <i>d</i>(<i>k</i> − 1) − 1) / "
    "<i>s</i>⌋ + 1",
    N_ ("f: filter, c: input channel in the filter's group, k: kernel size, s: stride, "
        "p: padding on each side, d: dilation (1: no gaps)"),
    { { "filters", N_ ("Filters"),
        N_ ("More filters find more kinds of pattern; doubling them doubles the layer's cost.") },
      { "kernel", N_ ("Kernel size"),
        N_ ("Larger kernels see more at once but cost more; two 3×3 layers see as far as one "
            "5×5.") },
      { "stride", N_ ("Stride"),
        N_ ("A stride of 2 halves the width and height: a cheap way to shrink the image.") },
      { "padding", N_ ("Padding"),
        N_ ("'Same' pads the border so the size stays; 'valid' does not, and the image shrinks by "
            "kernel − 1.") },
      { "use_bias", N_ ("Use bias"),
        N_ ("Turn it off before BatchNorm, which adds its own offset.") },
      { "kernel_width", N_ ("Kernel width"),
        N_ ("0 keeps the kernel square; a 1×k or k×1 kernel looks along one axis only.") },
      { "stride_width", N_ ("Stride across"),
        N_ ("0 uses Stride; another value steps across and down by different amounts.") },
      { "pad", N_ ("Padding rows"),
        N_ ("Explicit padding above and below: 1 with a 3×3 kernel and stride 1 keeps the "
            "size, as PyTorch's padding=1.") },
      { "pad_width", N_ ("Padding columns"),
        N_ ("Explicit padding left and right; −1 uses Padding rows.") },
      { "dilation", N_ ("Dilation"),
        N_ ("Spreads the kernel's taps apart: a 3×3 kernel with dilation 2 sees a 5×5 area "
            "with 9 weights.") },
      { "groups", N_ ("Groups"),
        N_ ("G groups cost G times less; as many groups as channels is a depthwise convolution, "
            "MobileNet's cheap filter per channel.") } } },
  { "conv2d_transpose",
    N_ ("The way back from a convolution: each input value stamps a learnt patch onto a larger "
        "output. Decoders and GAN generators use it to grow images."),
    "<i>y</i><sub>f, s·i+u, s·j+v</sub> += ∑<sub>c</sub> <i>W</i><sub>c,f,u,v</sub> · "
    "<i>x</i><sub>c,i,j</sub>\n"
    "<i>H</i><sub>out</sub> = (<i>H</i> − 1)·<i>s</i> − 2<i>p</i> + <i>k</i>",
    N_ ("k: kernel size, s: stride, p: padding taken off each side"),
    { { "filters", N_ ("Filters"), N_ ("Channels of the output image.") },
      { "kernel", N_ ("Kernel size"),
        N_ ("Size of each stamped patch; with stride 2, a kernel of 4 avoids checkerboard "
            "patterns.") },
      { "stride", N_ ("Stride"), N_ ("A stride of 2 doubles the width and height.") },
      { "padding", N_ ("Padding"), N_ ("'Same' makes the output exactly stride times larger.") },
      { "use_bias", N_ ("Use bias"),
        N_ ("Turn it off before BatchNorm, which adds its own offset.") },
      { "kernel_width", N_ ("Kernel width"), N_ ("0 keeps the patch square.") },
      { "stride_width", N_ ("Stride across"),
        N_ ("0 uses Stride; another value grows the width and height by different factors.") },
      { "pad", N_ ("Padding rows"),
        N_ ("Explicit padding: rows taken off the top and bottom of the output, as PyTorch's "
            "padding.") },
      { "pad_width", N_ ("Padding columns"),
        N_ ("Columns taken off the left and right; −1 uses Padding rows.") },
      { "output_padding", N_ ("Output padding"),
        N_ ("Adds rows and columns at the bottom and right, to reach the exact size a "
            "strided convolution came from.") },
      { "dilation", N_ ("Dilation"),
        N_ ("Spreads the patch's cells apart, as in a dilated convolution.") } } },
  { "upsampling2d",
    N_ ("Enlarges an image; nothing is learnt. Nearest repeats each pixel in blocks, bilinear "
        "blends the four nearest pixels into smooth ramps. Followed by a convolution it is a "
        "simple, artefact-free way up in a decoder."),
    "nearest: <i>y</i><sub>c,i,j</sub> = <i>x</i><sub>c, ⌊i/f<sub>h</sub>⌋, "
    "⌊j/f<sub>w</sub>⌋</sub>\n"
    "bilinear: <i>y</i><sub>c,i,j</sub> = ∑ (1−|<i>u</i>−<i>p</i>|)(1−|<i>v</i>−<i>q</i>|) "
    "<i>x</i><sub>c,p,q</sub>, <i>u</i> = max(0, (<i>i</i>+½)/f<sub>h</sub> − ½)",
    N_ ("f_h, f_w: the height and width factors; the sum runs over the four pixels (p, q) "
        "around the point (u, v) the output pixel comes from"),
    { { "size", N_ ("Factor"),
        N_ ("2 doubles the height, and the width too unless Factor across is set; 3 triples "
            "them.") },
      { "size_width", N_ ("Factor across"),
        N_ ("Enlarges the width by another factor than the height; 0 uses Factor.") },
      { "interpolation", N_ ("Interpolation"),
        N_ ("Nearest copies pixels into blocks; bilinear blends neighbours into smooth ramps, as "
            "decoders and GAN generators often prefer.") },
      { "align_corners", N_ ("Align corners"),
        N_ ("Bilinear only: the corner pixels of the input and the output line up exactly, so "
            "u = i·(H−1)/(H·f−1). Off matches PyTorch's and Keras's default.") } } },
  { "resize2d",
    N_ ("Brings an image to a chosen size, larger or smaller, by any factor; nothing is learnt. "
        "Use it to feed images of one size to a model made for another, or in a decoder that "
        "must reach an exact size. Nearest copies the closest pixel, bilinear blends the 2×2 "
        "nearest, bicubic fits a smooth curve through the 4×4 nearest."),
    "<i>y</i><sub>c,i,j</sub> = ∑<sub>p,q</sub> <i>k</i>(<i>u</i>−<i>p</i>) "
    "<i>k</i>(<i>v</i>−<i>q</i>) <i>x</i><sub>c,p,q</sub>\n"
    "<i>u</i> = (<i>i</i>+½)·H/H′ − ½",
    N_ ("H, H′: input and output height (likewise for the width); (u, v): the point in the "
        "input an output pixel comes from; k: the interpolation kernel (nearest, linear or "
        "cubic), over the pixels (p, q) next to that point, the border repeated"),
    { { "height", N_ ("Height"),
        N_ ("Rows of the output image, and columns too unless Width is set.") },
      { "width", N_ ("Width"), N_ ("Columns of the output image; 0 makes it square.") },
      { "scale", N_ ("Scale"),
        N_ ("Above 0, scales the image by this factor instead (0.5 halves it, rounded down), "
            "and the factor itself places the pixels, as PyTorch's scale_factor.") },
      { "scale_width", N_ ("Scale across"),
        N_ ("With Scale set, another factor for the width; 0 uses Scale.") },
      { "interpolation", N_ ("Interpolation"),
        N_ ("Nearest keeps hard edges; bilinear is smooth and cheap; bicubic is sharper than "
            "bilinear but can overshoot at edges.") },
      { "coordinates", N_ ("Coordinates"),
        N_ ("How output pixels map into the input. Pixel centres is PyTorch's "
            "align_corners=False and Keras's; align corners makes the corner pixels of input "
            "and output meet exactly; the others are ONNX's variants, for imported models.") },
      { "nearest_rounding", N_ ("Nearest rounding"),
        N_ ("Nearest only: which pixel a point halfway between two picks. Halves up with pixel "
            "centres is PyTorch's nearest-exact; down with asymmetric is PyTorch's nearest.") },
      { "cubic_a", N_ ("Cubic coefficient"),
        N_ ("Bicubic only: the kernel's sharpness; −0.75 as PyTorch and ONNX, −0.5 as "
            "TensorFlow.") },
      { "exclude_outside", N_ ("Exclude outside"),
        N_ ("Bicubic only: pixels past the border get no weight instead of repeating the edge, "
            "the others scaled up to sum to 1.") } } },
  { "pixel_shuffle",
    N_ ("Turns channels into pixels; nothing is learnt. Each group of r² channels becomes one "
        "channel r times taller and wider, every value moved, none blended. After a Conv2D "
        "with r² times the filters it is the sub-pixel convolution of super-resolution "
        "models (ESPCN): sharper than enlarging first, and cheaper."),
    "<i>y</i><sub>c, r·h+i, r·w+j</sub> = <i>x</i><sub>c·r² + i·r + j, h, w</sub>   (PyTorch)\n"
    "<i>y</i><sub>c, r·h+i, r·w+j</sub> = <i>x</i><sub>(i·r + j)·C + c, h, w</sub>   "
    "(TensorFlow)",
    N_ ("r: the factor; C: the output channels; 0 ≤ i, j < r pick the place in each r×r "
        "block"),
    { { "factor", N_ ("Factor"),
        N_ ("2 doubles the height and width and divides the channels by 4; the channels coming "
            "in must be a multiple of r².") },
      { "order", N_ ("Channel order"),
        N_ ("PyTorch's PixelShuffle takes each output channel's r² sources side by side (ONNX "
            "CRD); TensorFlow's depth_to_space takes one from each block of C (ONNX DCR, its "
            "default). Weights trained with one order need it.") } } },
  { "maxpool2d",
    N_ ("Keeps only the largest value of each small window: the image gets smaller and the "
        "model cares less about exactly where a pattern was."),
    "<i>y</i><sub>c,i,j</sub> = max<sub>0 ≤ u,v &lt; k</sub> <i>x</i><sub>c, s·i+u, "
    "s·j+v</sub>",
    N_ ("k: window size, s: stride; with padding the windows start before the image"),
    { POOL_WINDOW_HELP,
      { "padding", N_ ("Padding"),
        N_ ("'Same' keeps the size (divided by the stride) as Keras does, the odd padded cell "
            "at the bottom/right, or at the top/left as ONNX's SAME_LOWER; explicit pads by the "
            "amounts below. A padded cell never wins.") },
      POOL_SHAPE_HELP,
      { "ceil_mode", N_ ("Keep partial windows"),
        N_ ("Also pools the last windows that run past the edge instead of dropping those rows "
            "and columns.") },
      { "dilation", N_ ("Dilation"),
        N_ ("Spreads the window's cells apart: a larger view at the same cost.") } } },
  { "avgpool2d",
    N_ ("Averages each small window: a smaller, smoother image."),
    "<i>y</i><sub>c,i,j</sub> = (1 / <i>k</i>²) ∑<sub>u,v</sub> <i>x</i><sub>c, s·i+u, "
    "s·j+v</sub>",
    N_ ("k: window size (k² cells, fewer at a padded edge), s: stride"),
    { POOL_WINDOW_HELP,
      { "padding", N_ ("Padding"),
        N_ ("'Same' keeps the size (divided by the stride) and averages only the image's "
            "cells, as Keras does, the odd padded cell at the bottom/right, or at the top/left "
            "as ONNX's SAME_LOWER; explicit pads by the amounts below.") },
      POOL_SHAPE_HELP,
      { "ceil_mode", N_ ("Keep partial windows"),
        N_ ("Also averages the last windows that run past the edge, over the cells they "
            "have.") },
      { "count_pad", N_ ("Count padding"),
        N_ ("With explicit padding, on: the padded zeros count (PyTorch's default), so edges "
            "come out darker; off: only the image's cells.") } } },
  { "globalavgpool2d",
    N_ ("Averages each channel over the whole image: one number per channel, whatever the "
        "image's size. A light replacement for Flatten and a large Dense layer."),
    "<i>y</i><sub>c</sub> = (1 / <i>HW</i>) ∑<sub>i,j</sub> <i>x</i><sub>c,i,j</sub>",
    N_ ("H, W: the image's height and width"),
    { { NULL } } },
  { "simple_rnn",
    N_ ("Reads a sequence one step at a time and keeps a state that mixes the new input with "
        "the previous state. Simple, but it forgets quickly over long sequences."),
    "<b>h</b><sub>t</sub> = tanh(<b>W</b> <b>x</b><sub>t</sub> + <b>U</b> "
    "<b>h</b><sub>t−1</sub> + <b>b</b>)",
    N_ ("x_t: input at step t, h_t: state after step t, W, U, b: learnt weights"),
    { { "units", N_ ("Units"),
        N_ ("A larger state remembers more, at the cost of more weights and time.") },
      { "return_sequences", N_ ("Return sequences"),
        N_ ("On: the state of every step (to stack another recurrent layer). Off: only the last "
            "state (to classify the whole sequence).") } } },
  { "lstm",
    N_ ("A recurrent layer with a memory cell and three gates that learn what to forget, what "
        "to store and what to show. It keeps information over many steps."),
    "<b>i</b><sub>t</sub> = σ(<b>W</b><sub>i</sub> <b>x</b><sub>t</sub> + <b>U</b><sub>i</sub> "
    "<b>h</b><sub>t−1</sub> + <b>b</b><sub>i</sub>)\n"
    "<b>f</b><sub>t</sub> = σ(<b>W</b><sub>f</sub> <b>x</b><sub>t</sub> + <b>U</b><sub>f</sub> "
    "<b>h</b><sub>t−1</sub> + <b>b</b><sub>f</sub>)\n"
    "<b>g</b><sub>t</sub> = tanh(<b>W</b><sub>g</sub> <b>x</b><sub>t</sub> + "
    "<b>U</b><sub>g</sub> <b>h</b><sub>t−1</sub> + <b>b</b><sub>g</sub>)\n"
    "<b>o</b><sub>t</sub> = σ(<b>W</b><sub>o</sub> <b>x</b><sub>t</sub> + <b>U</b><sub>o</sub> "
    "<b>h</b><sub>t−1</sub> + <b>b</b><sub>o</sub>)\n"
    "<b>c</b><sub>t</sub> = <b>f</b><sub>t</sub> ⊙ <b>c</b><sub>t−1</sub> + <b>i</b><sub>t</sub> "
    "⊙ <b>g</b><sub>t</sub>\n"
    "<b>h</b><sub>t</sub> = <b>o</b><sub>t</sub> ⊙ tanh(<b>c</b><sub>t</sub>)",
    N_ ("i: input gate, f: forget gate, g: candidate, o: output gate, c: memory cell, h: "
        "state; σ: sigmoid, ⊙: element-wise product"),
    { { "units", N_ ("Units"),
        N_ ("A larger cell remembers more; each unit costs four sets of weights.") },
      { "return_sequences", N_ ("Return sequences"),
        N_ ("On: the state of every step (to stack another recurrent layer). Off: only the last "
            "state (to classify the whole sequence).") } } },
  { "gru",
    N_ ("A gated recurrent layer like the LSTM, with two gates and no separate memory cell: "
        "fewer weights, often just as good."),
    "<b>r</b><sub>t</sub> = σ(<b>W</b><sub>r</sub> <b>x</b><sub>t</sub> + <b>U</b><sub>r</sub> "
    "<b>h</b><sub>t−1</sub> + <b>b</b><sub>r</sub>)\n"
    "<b>z</b><sub>t</sub> = σ(<b>W</b><sub>z</sub> <b>x</b><sub>t</sub> + <b>U</b><sub>z</sub> "
    "<b>h</b><sub>t−1</sub> + <b>b</b><sub>z</sub>)\n"
    "<b>n</b><sub>t</sub> = tanh(<b>W</b><sub>n</sub> <b>x</b><sub>t</sub> + "
    "<b>r</b><sub>t</sub> ⊙ (<b>U</b><sub>n</sub> <b>h</b><sub>t−1</sub> + "
    "<b>b</b><sub>n</sub>))\n"
    "<b>n</b><sub>t</sub> = tanh(<b>W</b><sub>n</sub> <b>x</b><sub>t</sub> + "
    "<b>U</b><sub>n</sub> (<b>r</b><sub>t</sub> ⊙ <b>h</b><sub>t−1</sub>) + "
    "<b>b</b><sub>n</sub>)\n"
    "<b>h</b><sub>t</sub> = (1 − <b>z</b><sub>t</sub>) ⊙ <b>n</b><sub>t</sub> + "
    "<b>z</b><sub>t</sub> ⊙ <b>h</b><sub>t−1</sub>",
    N_ ("r: reset gate, z: update gate, n: candidate state, h: state; σ: sigmoid, ⊙: "
        "element-wise product. The first n is PyTorch's GRU, the default; the second, with "
        "“Reset after product” off, is the original GRU that ONNX files use by default."),
    { { "units", N_ ("Units"),
        N_ ("A larger state remembers more; each unit costs three sets of weights.") },
      { "return_sequences", N_ ("Return sequences"),
        N_ ("On: the state of every step (to stack another recurrent layer). Off: only the last "
            "state (to classify the whole sequence).") },
      { "reset_after", N_ ("Reset after product"),
        N_ ("Which of the two formulas for n the layer computes: on, PyTorch's; off, the original "
            "GRU's. Both learn about as well; keep the one of the model you imported.") } } },
  { "batchnorm",
    N_ ("Rescales each channel to mean 0 and variance 1 over the batch, then lets the model "
        "choose its own scale and offset. Training gets steadier and tolerates larger learning "
        "rates."),
    "<i>x̂</i> = (<i>x</i> − <i>μ</i><sub>B</sub>) / √(<i>σ</i>²<sub>B</sub> + <i>ε</i>)\n"
    "<i>y</i> = <i>γ</i> <i>x̂</i> + <i>β</i>\n"
    "<i>μ</i><sub>run</sub> ← (1 − <i>m</i>) <i>μ</i><sub>run</sub> + <i>m</i> "
    "<i>μ</i><sub>B</sub>",
    N_ ("μ_B, σ²_B: mean and variance of the batch; γ, β: learnt scale and offset; m: momentum "
        "of the running statistics used when predicting"),
    { { "momentum", N_ ("Momentum"),
        N_ ("Higher follows recent batches faster; lower averages over more of them.") },
      { "eps", N_ ("Epsilon"),
        N_ ("Keeps the division safe when a channel barely varies; rarely worth changing.") } } },
  { "add",
    N_ ("Adds its inputs element by element; they must have the same shape. The shortcut of a "
        "residual block."),
    "<b>y</b> = <b>x</b><sub>1</sub> + <b>x</b><sub>2</sub> + … + <b>x</b><sub>n</sub>",
    N_ ("every input has the same shape"),
    { { NULL } } },
  { "concatenate",
    N_ ("Joins its inputs side by side along the channels (or features): the output has all "
        "of them."),
    "<b>y</b> = [<b>x</b><sub>1</sub> ; <b>x</b><sub>2</sub> ; … ; <b>x</b><sub>n</sub>]",
    N_ ("the inputs agree in every dimension but the first"),
    { { NULL } } },
  { "relu",
    N_ ("Keeps positive values and zeroes the rest. Cheap and the usual choice between layers: "
        "without some non-linearity, stacked layers collapse into one."),
    "<i>y</i> = max(0, <i>x</i>)",
    N_ ("applied to every value on its own"),
    { { NULL } } },
  { "leaky_relu",
    N_ ("Like ReLU, but negative values keep a small slope, so a unit never stops learning "
        "completely. Usual in GAN discriminators."),
    "<i>y</i> = <i>x</i>  if <i>x</i> &gt; 0,   <i>a</i>·<i>x</i>  otherwise",
    N_ ("a: the negative slope"),
    { { "slope", N_ ("Negative slope"),
        N_ ("0 is plain ReLU; 0.01 to 0.2 let more of the negative side through.") } } },
  { "elu",
    N_ ("Like ReLU, with a smooth exponential curve below zero that keeps the mean output "
        "near zero."),
    "<i>y</i> = <i>x</i>  if <i>x</i> &gt; 0,   <i>α</i>(<i>e</i><sup><i>x</i></sup> − 1)  "
    "otherwise",
    N_ ("α: how far below zero the output can go"),
    { { "alpha", N_ ("Alpha"), N_ ("Larger values let negative outputs reach further down.") } } },
  { "gelu",
    N_ ("A smooth ReLU: each value is weighted by how likely a normal variable is below it. "
        "The activation of transformers."),
    "<i>y</i> = <i>x</i> · Φ(<i>x</i>)\n  ≈ ½<i>x</i> (1 + tanh(√(2/π) (<i>x</i> + "
    "0.044715 <i>x</i>³)))",
    N_ ("Φ: the standard normal distribution function"),
    { { NULL } } },
  { "sigmoid",
    N_ ("Squashes any value into 0…1: a probability for a yes/no answer, or a pixel "
        "brightness at the end of a decoder."),
    "<i>σ</i>(<i>x</i>) = 1 / (1 + <i>e</i><sup>−<i>x</i></sup>)",
    N_ ("large inputs give almost 1, very negative ones almost 0"),
    { { NULL } } },
  { "tanh",
    N_ ("Squashes any value into −1…1, centred on zero. The state activation of recurrent "
        "layers and the output of GAN generators."),
    "tanh(<i>x</i>) = (<i>e</i><sup><i>x</i></sup> − <i>e</i><sup>−<i>x</i></sup>) / "
    "(<i>e</i><sup><i>x</i></sup> + <i>e</i><sup>−<i>x</i></sup>)",
    N_ ("tanh(x) = 2σ(2x) − 1"),
    { { NULL } } },
  { "softmax",
    N_ ("Turns a vector of scores (logits) into probabilities that are positive and add up to "
        "1: the last layer of a classifier."),
    "<i>ŷ</i><sub>i</sub> = <i>e</i><sup><i>z</i><sub>i</sub></sup> / ∑<sub>j</sub> "
    "<i>e</i><sup><i>z</i><sub>j</sub></sup>",
    N_ ("z: the scores, ŷ_i: the probability of class i"),
    { { NULL } } },
};

static const LabHelp losses[] = {
  { "cross_entropy",
    N_ ("For classes: the model's scores go through softmax, and the loss is how surprised the "
        "model is by the right answer. A confident wrong answer costs a lot."),
    "<i>ŷ</i> = softmax(<b>z</b>)\n<i>L</i> = −(1/<i>N</i>) ∑<sub>n</sub> log "
    "<i>ŷ</i><sub>n, y<sub>n</sub></sub>",
    N_ ("z: the model's scores, y_n: the right class of sample n, N: samples in the batch"),
    { { NULL } } },
  { "bce",
    N_ ("For yes/no answers: one output per question, read as a probability through a sigmoid "
        "inside the loss."),
    "<i>L</i> = −(1/<i>N</i>) ∑ [<i>y</i> log <i>σ</i>(<i>z</i>) + (1 − <i>y</i>) log(1 − "
    "<i>σ</i>(<i>z</i>))]",
    N_ ("z: the model's output (a logit), y: the answer, 0 or 1"),
    { { NULL } } },
  { "mse",
    N_ ("For numbers: the mean of the squared differences. Large errors cost much more than "
        "small ones."),
    "<i>L</i> = (1/<i>N</i>) ∑ (<i>ŷ</i> − <i>y</i>)²",
    N_ ("ŷ: the model's output, y: the target"),
    { { NULL } } },
  { "mae",
    N_ ("For numbers: the mean of the absolute differences. A few wild targets pull less than "
        "with squared error."),
    "<i>L</i> = (1/<i>N</i>) ∑ |<i>ŷ</i> − <i>y</i>|",
    N_ ("ŷ: the model's output, y: the target"),
    { { NULL } } },
};

static const LabHelpParam lr_param = {
  "lr", N_ ("Learning rate"),
  N_ ("The size of each step: too large and the loss jumps or explodes, too small and "
      "learning crawls.")
};

static const LabHelp optimizers[] = {
  { "sgd",
    N_ ("Stochastic gradient descent: each batch, step every weight a little against its "
        "gradient. With momentum the steps build up speed along a steady direction."),
    "<b>v</b> ← <i>μ</i> <b>v</b> + <b>g</b>\n<b>w</b> ← <b>w</b> − <i>η</i> <b>v</b>",
    N_ ("g: the gradient of the loss, η: learning rate, μ: momentum, v: velocity"),
    { lr_param,
      { "momentum", N_ ("Momentum"),
        N_ ("0.9 smooths the path and speeds it up; 0 is plain gradient descent.") },
      { "weight_decay", N_ ("Weight decay"),
        N_ ("Pulls weights towards zero every step: simpler models, less overfitting.") } } },
  { "adam",
    N_ ("Keeps running averages of each weight's gradient and squared gradient, so every weight "
        "gets a step size of its own. A good default that needs little tuning."),
    "<b>m</b> ← <i>β</i><sub>1</sub> <b>m</b> + (1 − <i>β</i><sub>1</sub>) <b>g</b>\n"
    "<b>v</b> ← <i>β</i><sub>2</sub> <b>v</b> + (1 − <i>β</i><sub>2</sub>) <b>g</b>²\n"
    "<b>w</b> ← <b>w</b> − <i>η</i> <b>m̂</b> / (√<b>v̂</b> + <i>ε</i>)\n<b>m̂</b> = "
    "<b>m</b> / (1 − <i>β</i><sub>1</sub><sup>t</sup>),   <b>v̂</b> = <b>v</b> / (1 − "
    "<i>β</i><sub>2</sub><sup>t</sup>)",
    N_ ("g: gradient, η: learning rate, β₁ = 0.9, β₂ = 0.999: how long the averages remember, "
        "t: step number, ε: keeps the division safe"),
    { lr_param,
      { "weight_decay", N_ ("Weight decay"),
        N_ ("Added to the gradient as an L2 penalty: less overfitting.") } } },
  { "adamw",
    N_ ("Adam with weight decay kept apart from the gradient averages, which regularises more "
        "evenly than Adam's L2 penalty."),
    "<b>w</b> ← <b>w</b> − <i>η λ</i> <b>w</b>\n"
    "<b>w</b> ← <b>w</b> − <i>η</i> <b>m̂</b> / (√<b>v̂</b> + <i>ε</i>)",
    N_ ("λ: weight decay, applied first; then Adam’s step, with m̂ and v̂ as for Adam"),
    { lr_param,
      { "weight_decay", N_ ("Weight decay"),
        N_ ("How strongly weights shrink each step; 0.01 is usual.") } } },
  { "rmsprop",
    N_ ("Divides each step by a running average of recent gradient sizes, so weights with "
        "large, noisy gradients take smaller steps."),
    "<b>v</b> ← <i>α</i> <b>v</b> + (1 − <i>α</i>) <b>g</b>²\n<b>w</b> ← <b>w</b> − "
    "<i>η</i> <b>g</b> / (√<b>v</b> + <i>ε</i>)",
    N_ ("g: gradient, η: learning rate, α = 0.99: how long the average remembers"),
    { lr_param,
      { "momentum", N_ ("Momentum"), N_ ("Builds up speed along a steady direction.") },
      { "weight_decay", N_ ("Weight decay"),
        N_ ("Added to the gradient as an L2 penalty: less overfitting.") } } },
};

static const LabHelp *
find (const LabHelp *table, gsize n, const char *id)
{
  if (id == NULL)
    return NULL;
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (table[i].id, id))
      return &table[i];
  return NULL;
}

const LabHelp *
lab_layer_help (const char *kind_id)
{
  return find (layers, G_N_ELEMENTS (layers), kind_id);
}

const LabHelp *
lab_loss_help (const char *loss_id)
{
  return find (losses, G_N_ELEMENTS (losses), loss_id);
}

const LabHelp *
lab_optimizer_help (const char *optimizer_id)
{
  return find (optimizers, G_N_ELEMENTS (optimizers), optimizer_id);
}

const char *
lab_help_summary (const LabHelp *help)
{
  g_return_val_if_fail (help != NULL, NULL);
  return _ (help->summary);
}

const char *
lab_help_param_effect (const LabHelp *help, const char *param_id)
{
  g_return_val_if_fail (help != NULL, NULL);
  for (int i = 0; i < LAB_HELP_MAX_PARAMS && help->params[i].id != NULL; i++)
    if (g_str_equal (help->params[i].id, param_id))
      return _ (help->params[i].effect);
  return NULL;
}

char *
lab_help_markup (const LabHelp *help, const char *title)
{
  GString *out = g_string_new (NULL);
  g_autofree char *head = NULL;
  g_autofree char *legend = NULL;

  g_return_val_if_fail (help != NULL, NULL);

  head = g_markup_printf_escaped ("<span size=\"large\" weight=\"bold\">%s</span>\n\n%s\n\n", title,
                                  _ (help->summary));
  g_string_append (out, head);
  /* The formula is trusted markup from the table above. */
  g_string_append (out, "<span size=\"large\" font_family=\"serif\">");
  g_string_append (out, help->formula);
  g_string_append (out, "</span>\n");
  legend = g_markup_printf_escaped ("<small>%s</small>", _ (help->legend));
  g_string_append (out, legend);
  for (int i = 0; i < LAB_HELP_MAX_PARAMS && help->params[i].id != NULL; i++)
    {
      g_autofree char *line = NULL;

      if (i == 0)
        {
          g_autofree char *section = g_markup_printf_escaped ("\n\n<b>%s</b>", _ ("Settings"));
          g_string_append (out, section);
        }
      line = g_markup_printf_escaped ("\n• <b>%s</b>: %s", _ (help->params[i].label),
                                      _ (help->params[i].effect));
      g_string_append (out, line);
    }
  return g_string_free (out, FALSE);
}
