/* Forward and backward through the installed libactiv: swish with a learnable beta. */
#include <stdio.h>
#include <activ.h>

int main(void)
{
    float x[6] = {-3.0f, -1.0f, -0.0f, 0.5f, 2.0f, 1e-3f};
    float y[6], dy[6] = {1, 1, 1, 1, 1, 1}, dx[6], dbeta;
    float beta = 1.0f;

    activ_status s = activ_swish_forward(x, y, 6, beta);
    if (s == ACTIV_OK)
        s = activ_swish_backward(x, dy, dx, 6, beta, &dbeta); /* dx = dy * f'(x), dbeta = sum */
    if (s != ACTIV_OK) {
        fprintf(stderr, "activ: %s\n", activ_status_str(s));
        return 1;
    }
    printf("activ %s on the %s path\n", activ_version(), activ_isa_name(activ_get_isa()));
    for (int i = 0; i < 6; i++)
        printf("swish(%g) = %.9g   f'(x) = %.9g\n", x[i], y[i], dx[i]);
    printf("dL/dbeta = %.9g\n", dbeta);
    return 0;
}
