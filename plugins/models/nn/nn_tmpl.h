/* nn_tmpl.h — name mangling for the two precisions: with NN_SFX = f32,
 * NN(linear_forward) is nn_linear_forward_f32 and NNT(SeqTape) is
 * NnSeqTape_f32. Re-included for each precision, hence no guard. */
#undef NN_PASTE_
#undef NN_PASTE
#undef NN
#undef NNT
#define NN_PASTE_(a, b, c) a##b##_##c
#define NN_PASTE(a, b, c) NN_PASTE_ (a, b, c)
#define NN(x) NN_PASTE (nn_, x, NN_SFX)
#define NNT(x) NN_PASTE (Nn, x, NN_SFX)
