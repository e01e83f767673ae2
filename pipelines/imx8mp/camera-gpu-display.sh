#!/bin/sh
# i.MX8M Plus: the ISI through the Vivante GPU (etnaviv) into LCDIF. The GPU has its own MMU
# and takes any pages; the ISI needs contiguous memory below 4 GiB: linux,cma, with rows
# aligned to 64 bytes for the GPU. 0 copies.
# plan: --producer mxc-isi --consumer etnaviv --format NV12 --size 1920x1080
exec gst-launch-1.0 -m dmabridgev4l2src device-name=mxc-isi "${@:-num-buffers=300}" \
	! 'video/x-raw,format=NV12,width=1920,height=1080' ! dmabridgeglconvert driver-name=etnaviv \
	! 'video/x-raw,format=BGRx' ! dmabridgekmssink driver-name=imx-lcdif
