#!/bin/sh
# Raspberry Pi 4: unicam through the V3D GPU into the display. V3D has its own MMU and takes
# any pages, unicam does not: the plan takes linux,cma buffers both can use, with rows
# aligned to 64 bytes for the GPU's sampler: 0 copies.
# plan: --producer unicam --consumer v3d --format YUYV --size 1920x1080
exec gst-launch-1.0 -m dmabridgev4l2src device-name=unicam "${@:-num-buffers=300}" \
	! 'video/x-raw,format=YUY2,width=1920,height=1080' ! dmabridgeglconvert driver-name=v3d \
	! 'video/x-raw,format=BGRx' ! dmabridgekmssink driver-name=vc4
