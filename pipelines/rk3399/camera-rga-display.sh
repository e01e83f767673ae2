#!/bin/sh
# RK3399: the ISP's frames also read by the RGA 2D engine (v4l2convert), which has no IOMMU
# and 32-bit addresses: the plan moves the shared buffers to linux,cma below 4 GiB so that
# the ISP, the RGA and the VOP can all use them. 0 copies.
# plan: --producer rkisp1 --consumer rockchip-rga --consumer rockchip-vop --format NV12 --size 1920x1080
exec gst-launch-1.0 -m dmabridgev4l2src device-name=rkisp1 "${@:-num-buffers=300}" \
	! 'video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=NV12,width=1920,height=1080;video/x-raw(memory:DMABuf),format=NV12,width=1920,height=1080' ! tee name=t \
	t. ! queue ! v4l2convert ! 'video/x-raw,format=BGRx' ! fakesink \
	t. ! queue ! dmabridgekmssink driver-name=rockchip
