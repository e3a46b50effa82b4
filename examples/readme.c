/* readme.c - the 20-line example from README.md, kept compiling by the build. */
#include <stdio.h>
#include <activ.h>

int main(void)
{
    float x[4] = {-2.0f, -0.0f, 0.5f, 3.0f}, y[4], dy[4] = {1, 1, 1, 1}, dx[4], dbeta;

    activ_status s = activ_swish_forward(x, y, 4, 1.0f);        /* y = x * sigmoid(beta x) */
    if (s == ACTIV_OK)
        s = activ_swish_backward(x, dy, dx, 4, 1.0f, &dbeta);   /* dx = dy * f'(x), dbeta */
    if (s == ACTIV_OK)
        s = activ_relu_forward(x, x, 4);                          /* in place */
    if (s != ACTIV_OK) {
        fprintf(stderr, "activ: %s\n", activ_status_str(s));
        return 1;
    }
    for (int i = 0; i < 4; i++)
        printf("swish %g  swish' %g  relu %g\n", y[i], dx[i], x[i]);
    printf("dL/dbeta = %g\n", dbeta);
    return 0;
}
