#!/bin/sh
# i.MX8M Plus: the ISI's YUYV scaled and converted to XRGB8888 by the ISI's
# memory-to-memory path (dmabridgev4l2convert) for the LCDIF display. Nothing has an IOMMU:
# the camera's plan, with the m2m output queue's constraints, takes contiguous linux,cma
# buffers below 4 GiB that the m2m path reads as they are. 0 copies.
# plan: --producer mxc-isi --consumer mxc-isi-m2m --format YUYV --size 1920x1080
exec gst-launch-1.0 -m dmabridgev4l2src device-name=mxc-isi "${@:-num-buffers=300}" \
	! 'video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=YUYV,width=1920,height=1080;video/x-raw(memory:DMABuf),format=YUY2,width=1920,height=1080' \
	! dmabridgev4l2convert device-name=mxc-isi-m2m ! 'video/x-raw,format=BGRx,width=1280,height=720' \
	! dmabridgekmssink driver-name=imx-lcdif
