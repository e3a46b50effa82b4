/* f32lane_ab.c - ns per element of elu, swish, sigmoid, tanh (fwd, bwd, bwdy) through the
 * public API at 1 thread, measured in thread CPU time (CLOCK_THREAD_CPUTIME_ID: less
 * sensitive than wall time to other processes on a shared machine), median of 9
 * repetitions of >= 20 ms. Inputs uniform in [-6, 6), dy in [0, 1].
 * Usage: f32lane_ab ISA N   (ISA avx2 or avx512). Built and run by bench/f32lane_ab.sh
 * against two builds of the library, which prints the ratios. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>
#include "activ.h"
static double now(void){ struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t); return t.tv_sec+1e-9*t.tv_nsec; }
static int cmp(const void*a,const void*b){ double x=*(double*)a,y=*(double*)b; return x<y?-1:x>y; }
int main(int argc,char**argv){
  const char *isa = argc>1?argv[1]:"avx2"; size_t n = argc>2?strtoul(argv[2],0,0):65536;
  const char *kinds[] = {"elu","swish","sigmoid","tanh"};
  activ_isa I; if (!strcmp(isa,"avx2")) I=ACTIV_ISA_AVX2; else I=ACTIV_ISA_AVX512;
  activ_set_isa(I); activ_set_num_threads(1);
  float *x=malloc(n*4),*dy=malloc(n*4),*y=malloc(n*4);
  srand(1); for(size_t i=0;i<n;i++){ x[i]=(rand()/(double)RAND_MAX-0.5)*12; dy[i]=rand()/(double)RAND_MAX; }
  for(int k=0;k<4;k++) for(int dir=0;dir<3;dir++){
    activ_kind K; activ_kind_from_name(kinds[k],&K); activ_params p=activ_default_params(K);
    if (dir==2 && K==ACTIV_SWISH) continue;
    double t[9];
    for(int r=0;r<9;r++){ int it=0; double t0=now(), t1;
      do { for(int j=0;j<8;j++){ if(dir==0) activ_forward(K,&p,x,y,n); else if(dir==1) activ_backward(K,&p,x,dy,y,n,NULL); else activ_backward_from_output(K,&p,x,dy,y,n);} it+=8; t1=now(); } while(t1-t0<0.02);
      t[r]=(t1-t0)/it/n*1e9; }
    qsort(t,9,sizeof t[0],cmp);
    printf("%-8s %-4s %s n=%zu  %.3f ns/el\n", kinds[k], dir==0?"fwd":dir==1?"bwd":"bwdy", isa, n, t[4]);
  }
  return 0;
}
